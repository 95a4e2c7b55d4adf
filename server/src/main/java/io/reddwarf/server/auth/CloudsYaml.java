package io.reddwarf.server.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes {@code $REDDWARF_HOME/clouds.yaml} for the OpenStack CLI, rewritten on every start because
 * it carries the API's current address. Two clouds: {@code reddwarf} (the demo project, member role)
 * and {@code reddwarf-admin} (admin role). Both use osc-lib's {@code admin_token} auth type, which
 * sends the token as {@code X-Auth-Token} to a fixed endpoint without asking Keystone; troveclient
 * appends {@code /instances}, {@code /flavors}, ... to that endpoint.
 */
public final class CloudsYaml {
    public static final String FILE_NAME = "clouds.yaml";
    public static final String CLOUD = "reddwarf";
    public static final String ADMIN_CLOUD = "reddwarf-admin";
    public static final String REGION = "RegionOne";

    private CloudsYaml() {
    }

    /** The file's text for an API reachable at {@code baseUri} (e.g. {@code http://127.0.0.1:8779/}). */
    public static String render(URI baseUri, LocalCredentials credentials) {
        String base = baseUri.toString().replaceAll("/+$", "");
        return "# Written by Reddwarf on every start; use with\n"
                + "#   OS_CLIENT_CONFIG_FILE=" + "<this file> openstack --os-cloud " + CLOUD + " database instance list\n"
                + "clouds:\n"
                + cloud(CLOUD, base, credentials.demoProject(), credentials.demoToken())
                + cloud(ADMIN_CLOUD, base, credentials.adminProject(), credentials.adminToken());
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

    /** Writes the file atomically with mode 0600 (it holds tokens). */
    public static Path write(Path home, URI baseUri, LocalCredentials credentials) {
        Path file = home.resolve(FILE_NAME);
        try {
            Path tmp = Files.createTempFile(home, FILE_NAME, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, render(baseUri, credentials));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
