package io.reddwarf.server.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes {@code $REDDWARF_HOME/clouds.yaml} for the OpenStack CLI: one cloud per project of
 * {@code auth.properties}, {@code reddwarf} (the demo project, member role), {@code reddwarf-admin}
 * (admin role) and {@code reddwarf-<name>} for each project created since. The server rewrites it on
 * every start because it carries the API's current address; {@code project create} rewrites it with
 * the address already in it. Every cloud uses osc-lib's {@code admin_token} auth type, which sends
 * the token as {@code X-Auth-Token} to a fixed endpoint without asking Keystone; troveclient appends
 * {@code /instances}, {@code /flavors}, ... to that endpoint.
 */
public final class CloudsYaml {
    public static final String FILE_NAME = "clouds.yaml";
    public static final String CLOUD = "reddwarf";
    public static final String ADMIN_CLOUD = "reddwarf-admin";
    public static final String REGION = "RegionOne";
    /** The API's address until a server has written the file: the server's defaults. */
    public static final URI DEFAULT_BASE_URI = URI.create("http://127.0.0.1:8779/");

    private static final Pattern ENDPOINT = Pattern.compile("(?m)^      endpoint: '(.+)/v1\\.0/[0-9a-f]{32}'$");

    private CloudsYaml() {
    }

    /** The file's text for an API reachable at {@code baseUri} (e.g. {@code http://127.0.0.1:8779/}). */
    public static String render(URI baseUri, LocalCredentials credentials) {
        String base = baseUri.toString().replaceAll("/+$", "");
        StringBuilder text = new StringBuilder()
                .append("# Written by Reddwarf on every start and by 'project create'; use with\n")
                .append("#   OS_CLIENT_CONFIG_FILE=<this file> openstack --os-cloud ").append(CLOUD)
                .append(" database instance list\n")
                .append("clouds:\n");
        for (LocalProject project : credentials.projects()) {
            text.append(cloud(project.cloud(), base, project.id(), project.token()));
        }
        return text.toString();
    }

    private static String cloud(String name, String base, String project, String token) {
        return "  " + name + ":\n"
                + "    auth_type: admin_token\n"
                + "    auth:\n"
                + "      token: '" + token + "'\n"
                + "      endpoint: '" + base + "/v1.0/" + project + "'\n"
                + "    region_name: " + REGION + "\n"
                + "    database_api_version: '1'\n";
    }

    /**
     * Writes the file for the API at {@code baseUri} and every project {@code home/auth.properties}
     * holds at this moment, atomically with mode 0600 (it holds tokens).
     */
    public static Path write(Path home, URI baseUri) {
        return write(home, Optional.of(baseUri));
    }

    /** As {@link #write(Path, URI)}, with the address the file already has, else {@link #DEFAULT_BASE_URI}. */
    public static Path refresh(Path home) {
        return write(home, Optional.empty());
    }

    private static Path write(Path home, Optional<URI> baseUri) {
        Path file = home.resolve(FILE_NAME);
        try {
            return LocalCredentials.locked(home, () -> {
                URI base = baseUri.isPresent() ? baseUri.get() : baseUri(file).orElse(DEFAULT_BASE_URI);
                LocalCredentials credentials = LocalCredentials.load(home.resolve(LocalCredentials.FILE_NAME));
                LocalCredentials.replace(file, render(base, credentials));
                return file;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The API's address in an existing file: that of its first cloud's endpoint. */
    static Optional<URI> baseUri(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Matcher endpoint = ENDPOINT.matcher(Files.readString(file, UTF_8));
        if (!endpoint.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(URI.create(endpoint.group(1) + "/"));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
