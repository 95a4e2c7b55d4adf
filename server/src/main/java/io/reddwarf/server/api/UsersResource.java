package io.reddwarf.server.api;

import static io.reddwarf.server.api.DatabasesResource.requiredList;

import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.account.AccountService;
import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.Secret;
import io.reddwarf.spi.UserAdmin.PasswordChange;
import io.reddwarf.spi.UserAdmin.UserUpdate;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /v1.0/{project_id}/instances/{instance_id}/users}. A user in a path is {@code name} or
 * {@code name@host} (URL-encoded, as troveclient sends it); without a host it means {@code name@%}.
 */
@Path("/v1.0/{project_id}/instances/{instance_id}/users")
@Produces(MediaType.APPLICATION_JSON)
public final class UsersResource {
    private final AccountService accounts;

    @Inject
    public UsersResource(AccountService accounts) {
        this.accounts = accounts;
    }

    @GET
    public Map<String, Object> list(@PathParam("project_id") String project, @PathParam("instance_id") String id,
            @QueryParam("limit") String limit, @QueryParam("marker") String marker, @Context UriInfo uriInfo) {
        return Pages.page("users", accounts.listUsers(project, id), Pages.Order.byName(u -> u.name() + "@" + u.host()),
                Views.UserJson::of, limit, marker, uriInfo, "a user of this instance");
    }

    /** {@code {"users": [{"name", "password", "host", "databases": [{"name"}]}]}}: 202 once created. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@PathParam("project_id") String project, @PathParam("instance_id") String id, byte[] body) {
        JsonNode users = requiredList(Json.object(body), "users");
        accounts.createUsers(project, id, CreateInstanceParser.users(users));
        return Response.accepted().build();
    }

    /** {@code {"users": [{"name", "password", "host"}]}}: new passwords for existing users. */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public Response changePasswords(@PathParam("project_id") String project, @PathParam("instance_id") String id,
            byte[] body) {
        List<PasswordChange> changes = new ArrayList<>();
        for (JsonNode user : requiredList(Json.object(body), "users")) {
            if (!user.isObject()) {
                throw ReddwarfException.badRequest("Each entry of 'users' must be an object with a name and a password.");
            }
            changes.add(new PasswordChange(
                    CreateInstanceParser.requiredText(user, "name", "Each user needs a name."),
                    CreateInstanceParser.optionalText(user, "host").orElse("%"),
                    new Secret(CreateInstanceParser.requiredText(user, "password", "Each user needs a password."))));
        }
        accounts.changePasswords(project, id, changes);
        return Response.accepted().build();
    }

    @GET
    @Path("{user}")
    public Map<String, Object> show(@PathParam("project_id") String project, @PathParam("instance_id") String id,
            @PathParam("user") String user) {
        Account account = Account.parse(user);
        return Map.of("user", Views.UserJson.of(accounts.getUser(project, id, account.name, account.host)));
    }

    /** {@code {"user": {"name", "host", "password"}}}, each optional but not all: one change. */
    @PUT
    @Path("{user}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("project_id") String project, @PathParam("instance_id") String id,
            @PathParam("user") String user, byte[] body) {
        Account account = Account.parse(user);
        JsonNode attributes = Json.object(body).get("user");
        if (attributes == null || !attributes.isObject()) {
            throw ReddwarfException.badRequest("The request body must contain a 'user' object.");
        }
        Optional<String> name = CreateInstanceParser.optionalText(attributes, "name");
        Optional<String> host = CreateInstanceParser.optionalText(attributes, "host");
        Optional<Secret> password = CreateInstanceParser.optionalText(attributes, "password").map(Secret::new);
        if (name.isEmpty() && host.isEmpty() && password.isEmpty()) {
            throw ReddwarfException.badRequest("The 'user' object must give a new name, host or password.");
        }
        accounts.updateUser(project, id, account.name, account.host, new UserUpdate(name, host, password));
        return Response.accepted().build();
    }

    @DELETE
    @Path("{user}")
    public Response delete(@PathParam("project_id") String project, @PathParam("instance_id") String id,
            @PathParam("user") String user) {
        Account account = Account.parse(user);
        accounts.deleteUser(project, id, account.name, account.host);
        return Response.accepted().build();
    }

    @GET
    @Path("{user}/databases")
    public Map<String, Object> access(@PathParam("project_id") String project, @PathParam("instance_id") String id,
            @PathParam("user") String user) {
        Account account = Account.parse(user);
        return Map.of("databases", accounts.listAccess(project, id, account.name, account.host).stream()
                .map(Views.DatabaseJson::named).toList());
    }

    /** {@code {"databases": [{"name"}]}}: access to each. */
    @PUT
    @Path("{user}/databases")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response grant(@PathParam("project_id") String project, @PathParam("instance_id") String id,
            @PathParam("user") String user, byte[] body) {
        Account account = Account.parse(user);
        List<String> databases = CreateInstanceParser.databases(requiredList(Json.object(body), "databases")).stream()
                .map(DatabaseSpec::name).toList();
        accounts.grantAccess(project, id, account.name, account.host, databases);
        return Response.accepted().build();
    }

    @DELETE
    @Path("{user}/databases/{database}")
    public Response revoke(@PathParam("project_id") String project, @PathParam("instance_id") String id,
            @PathParam("user") String user, @PathParam("database") String database) {
        Account account = Account.parse(user);
        accounts.revokeAccess(project, id, account.name, account.host, database);
        return Response.accepted().build();
    }

    /** {@code name@host} split at the last {@code @}; the host defaults to {@code %}. */
    record Account(String name, String host) {
        static Account parse(String user) {
            int at = user.lastIndexOf('@');
            Account account = at < 0 ? new Account(user, "%") : new Account(user.substring(0, at), user.substring(at + 1));
            if (account.name.isEmpty() || account.host.isEmpty()) {
                throw ReddwarfException.badRequest("A user is named 'name' or 'name@host', both parts non-empty.");
            }
            return account;
        }
    }
}
