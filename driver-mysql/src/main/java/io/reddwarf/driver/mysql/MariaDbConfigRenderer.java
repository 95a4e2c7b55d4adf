package io.reddwarf.driver.mysql;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.reddwarf.spi.ConfigRenderer;
import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Flavor;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.InvalidRequestException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The MariaDB configuration: {@code conf/my.cnf} rendered from the instance's locations, settings
 * derived from its flavor, and the user's values; the values themselves are kept in
 * {@code conf/config-values} so that a later prepare or restart renders the same file. The
 * parameter rules are data shipped with the driver: {@code mariadb-<version>.parameters}.
 */
public final class MariaDbConfigRenderer implements ConfigRenderer {
    static final String CONFIG_FILE = "my.cnf";
    static final String VALUES_FILE = "config-values";
    /** Suffix of the copies of the files the engine last started with. */
    static final String LAST_GOOD = ".last-good";

    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,40}");
    private static final Pattern FLOAT = Pattern.compile("-?[0-9]{1,20}(\\.[0-9]{1,20})?");
    /** Characters that could end a line, open a section, start a comment or break SQL quoting. */
    private static final Pattern UNSAFE = Pattern.compile("[\\n\\r\\[\\]#\"'`\\\\\\p{Cntrl}]");

    private final Engine engine;
    private final Binaries binaries;
    private final Map<String, Map<String, Parameter>> rulesByVersion = new ConcurrentHashMap<>();

    /** The renderer for MariaDB over the binaries installed on this host. */
    public MariaDbConfigRenderer() {
        this(new MariaDbEngine(), Binaries.fromEnvironment(new MariaDbEngine().binDirProperty()));
    }

    MariaDbConfigRenderer(Engine engine, Binaries binaries) {
        this.engine = requireNonNull(engine, "engine is null");
        this.binaries = requireNonNull(binaries, "binaries is null");
    }

    @Override
    public String datastoreType() {
        return engine.type();
    }

    @Override
    public List<Parameter> rules(DatastoreVersion version) {
        return List.copyOf(rulesOf(version).values());
    }

    private Map<String, Parameter> rulesOf(DatastoreVersion version) {
        requireNonNull(version, "version is null");
        return rulesByVersion.computeIfAbsent(version.name(), this::loadRules);
    }

    private Map<String, Parameter> loadRules(String versionName) {
        String resource = engine.type() + "-" + versionName + ".parameters";
        try (InputStream in = MariaDbConfigRenderer.class.getResourceAsStream(resource)) {
            if (in == null) {
                return Map.of();
            }
            Map<String, Parameter> rules = new TreeMap<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String[] f = trimmed.split("\\s+");
                if (f.length != 5) {
                    throw new IllegalStateException("bad line in " + resource + ": " + line);
                }
                rules.put(f[0], new Parameter(f[0], Type.valueOf(f[1].toUpperCase(Locale.ROOT)), bound(f[2]),
                        bound(f[3]), switch (f[4]) {
                            case "dynamic" -> false;
                            case "restart" -> true;
                            default -> throw new IllegalStateException("bad line in " + resource + ": " + line);
                        }));
            }
            return Collections.unmodifiableMap(rules);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private static Optional<BigInteger> bound(String field) {
        return field.equals("-") ? Optional.empty() : Optional.of(new BigInteger(field));
    }

    @Override
    public List<String> validate(DatastoreVersion version, Map<String, String> values) {
        requireNonNull(values, "values is null");
        Map<String, Parameter> rules = rulesOf(version);
        List<String> problems = new ArrayList<>();
        if (rules.isEmpty() && !values.isEmpty()) {
            problems.add("Configuration groups are not supported for this datastore: " + engine.type() + " "
                    + version.name());
            return problems;
        }
        for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
            problems.addAll(validate(rules, version, e.getKey(), e.getValue()));
        }
        return problems;
    }

    private List<String> validate(Map<String, Parameter> rules, DatastoreVersion version, String name, String value) {
        Parameter rule = name == null ? null : rules.get(name);
        if (rule == null) {
            return List.of("The configuration parameter " + name + " is not supported for this datastore: "
                    + engine.type() + " " + version.name() + ".");
        }
        if (value == null) {
            return List.of(notOfType(rule));
        }
        if (UNSAFE.matcher(value).find()) {
            return List.of("The value for the configuration parameter " + name
                    + " must not contain line breaks, brackets, '#', quotes or backslashes.");
        }
        switch (rule.type()) {
            case BOOLEAN -> {
                if (booleanValue(value).isEmpty()) {
                    return List.of(notOfType(rule));
                }
            }
            case INTEGER -> {
                if (!INTEGER.matcher(value).matches()) {
                    return List.of(notOfType(rule));
                }
                return checkBounds(rule, new BigDecimal(new BigInteger(value)));
            }
            case FLOAT -> {
                if (!FLOAT.matcher(value).matches()) {
                    return List.of(notOfType(rule));
                }
                return checkBounds(rule, new BigDecimal(value));
            }
            case STRING -> {
                // any safe text
            }
        }
        return List.of();
    }

    private static List<String> checkBounds(Parameter rule, BigDecimal value) {
        if (rule.min().isPresent() && value.compareTo(new BigDecimal(rule.min().get())) < 0) {
            return List.of("The value for the configuration parameter " + rule.name()
                    + " is less than the minimum allowed: " + rule.min().get());
        }
        if (rule.max().isPresent() && value.compareTo(new BigDecimal(rule.max().get())) > 0) {
            return List.of("The value for the configuration parameter " + rule.name()
                    + " is greater than the maximum allowed: " + rule.max().get());
        }
        return List.of();
    }

    private static String notOfType(Parameter rule) {
        return "The value provided for the configuration parameter " + rule.name() + " is not of type "
                + rule.type().troveName() + ".";
    }

    private static Optional<Boolean> booleanValue(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "on", "1", "yes" -> Optional.of(true);
            case "false", "off", "0", "no" -> Optional.of(false);
            default -> Optional.empty();
        };
    }

    /** Buffer pool and connections from RAM, as the driver always sized them; log and temp buffers likewise. */
    @Override
    public Map<String, String> defaults(DatastoreVersion version, Flavor flavor) {
        requireNonNull(flavor, "flavor is null");
        int ramMb = flavor.ramMb();
        long mb = 1024L * 1024L;
        Map<String, String> d = new LinkedHashMap<>();
        d.put("character_set_server", "utf8mb4");
        d.put("collation_server", "utf8mb4_general_ci");
        d.put("max_connections", Integer.toString(Math.max(20, Math.min(1000, ramMb / 8))));
        d.put("innodb_buffer_pool_size", Long.toString(Math.max(32, ramMb / 2) * mb));
        d.put("innodb_log_buffer_size", Long.toString(Math.max(1, Math.min(64, ramMb / 64)) * mb));
        long tmp = Math.max(8, Math.min(256, ramMb / 32)) * mb;
        d.put("tmp_table_size", Long.toString(tmp));
        d.put("max_heap_table_size", Long.toString(tmp));
        // LOAD DATA LOCAL lets a server ask its clients for their files: off unless a group turns it on
        d.put("local_infile", "OFF");
        return d;
    }

    @Override
    public String render(InstanceContext context, Map<String, String> values) {
        requireNonNull(context, "context is null");
        requireValid(context.version(), values);
        Map<String, String> settings = new LinkedHashMap<>(defaults(context.version(), context.flavor()));
        Map<String, Parameter> rules = rulesOf(context.version());
        new TreeMap<>(values).forEach((name, value) -> settings.put(name, fileValue(rules.get(name), value)));

        StringBuilder cnf = new StringBuilder()
                .append("# Written by Reddwarf for instance ").append(context.instanceId()).append('\n')
                .append('[').append(engine.serverSection()).append("]\n")
                .append("datadir=").append(context.dataDir()).append('\n')
                .append("socket=").append(MySqlFamilyInstance.socketOf(context)).append('\n')
                // Not <daemon>.pid: that one is the supervisor's, and the server rewrites and removes its own.
                .append("pid-file=").append(context.runDir().resolve("mysqld.pid")).append('\n')
                .append("port=").append(context.port()).append('\n')
                .append("bind-address=").append(context.bindAddress()).append('\n')
                .append("log-error=").append(context.logDir().resolve("error.log")).append('\n')
                .append("tmpdir=").append(context.runDir()).append('\n')
                // Containment: file import and export only in an empty directory of the control plane's,
                // no plugin to load, no client files, no symbolic links to other places.
                .append("secure_file_priv=").append(MySqlFamilyInstance.filesDirOf(context)).append('\n')
                .append("plugin_dir=").append(MySqlFamilyInstance.pluginDirOf(context)).append('\n');
        // TLS from the first start when the provider issued a certificate; clients verify it with the deployment's CA
        context.tls().ifPresent(tls -> cnf
                .append("ssl_cert=").append(tls.certificate()).append('\n')
                .append("ssl_key=").append(tls.privateKey()).append('\n')
                .append("ssl_ca=").append(tls.authority()).append('\n'));
        cnf
                .append("skip-name-resolve\n")
                // Probes open and drop connections; they must never get the probing host blocked.
                .append("max_connect_errors=1000000000\n")
                .append("innodb_buffer_pool_load_at_startup=OFF\n")
                .append("innodb_buffer_pool_dump_at_shutdown=OFF\n");
        for (String setting : engine.serverSettings()) {
            cnf.append(setting).append('\n');
        }
        for (String setting : MySqlFamilyInstance.TEMPLATE_SETTINGS) {
            cnf.append(setting.substring(2)).append('\n');
        }
        cnf.append("# Derived from the flavor, then the configuration group's values\n");
        settings.forEach((name, value) -> cnf.append(name).append('=').append(value).append('\n'));
        return cnf.toString();
    }

    private static String fileValue(Parameter rule, String value) {
        if (rule.type() == Type.BOOLEAN) {
            return booleanValue(value).orElseThrow() ? "ON" : "OFF";
        }
        return value;
    }

    private void requireValid(DatastoreVersion version, Map<String, String> values) {
        requireNonNull(values, "values is null");
        List<String> problems = validate(version, values);
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems.getFirst());
        }
    }

    @Override
    public void write(InstanceContext context, Map<String, String> values) {
        String cnf = render(context, values);
        Path config = configFile(context);
        Path stored = valuesFile(context);
        Path lastGood = lastGood(config);
        try {
            if (Files.exists(config) && !Files.exists(lastGood)) {
                MySqlFamilyInstance.writePrivateFile(lastGood(stored), Files.exists(stored) ? Files.readString(stored) : "");
                MySqlFamilyInstance.writePrivateFile(lastGood, Files.readString(config));
            }
        } catch (IOException e) {
            throw new DatastoreException("Could not keep the previous configuration of instance "
                    + context.instanceId() + ".", e);
        }
        MySqlFamilyInstance.writePrivateFile(stored, valuesText(values));
        MySqlFamilyInstance.writePrivateFile(config, cnf);
    }

    /** Renders the file again from the stored values, without keeping a previous one (prepare). */
    void rewrite(InstanceContext context) {
        Map<String, String> values = storedValues(context);
        MySqlFamilyInstance.writePrivateFile(configFile(context), render(context, values));
    }

    /** The engine started with the current file: it becomes the one to go back to. */
    void started(InstanceContext context) {
        try {
            Files.deleteIfExists(lastGood(configFile(context)));
            Files.deleteIfExists(lastGood(valuesFile(context)));
        } catch (IOException e) {
            throw new DatastoreException("Could not update the configuration state of instance "
                    + context.instanceId() + ".", e);
        }
    }

    @Override
    public Optional<Map<String, String>> restorePrevious(InstanceContext context) {
        Path config = configFile(context);
        Path lastGood = lastGood(config);
        if (!Files.exists(lastGood)) {
            return Optional.empty();
        }
        try {
            Path storedGood = lastGood(valuesFile(context));
            if (Files.exists(storedGood)) {
                Files.move(storedGood, valuesFile(context), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(lastGood, config, StandardCopyOption.REPLACE_EXISTING);
            return Optional.of(storedValues(context));
        } catch (IOException e) {
            throw new DatastoreException("Could not restore the previous configuration of instance "
                    + context.instanceId() + ".", e);
        }
    }

    /** The values last written for the instance; empty when none were. */
    Map<String, String> storedValues(InstanceContext context) {
        Map<String, String> values = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(valuesFile(context), UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        } catch (NoSuchFileException e) {
            return values;
        } catch (IOException e) {
            throw new DatastoreException("Could not read the configuration values of instance "
                    + context.instanceId() + ".", e);
        }
        return values;
    }

    private static String valuesText(Map<String, String> values) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(values).forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        return text.toString();
    }

    @Override
    public void applyLive(InstanceContext context, Map<String, String> values) {
        requireNonNull(context, "context is null");
        requireValid(context.version(), values);
        if (values.isEmpty()) {
            return;
        }
        Map<String, Parameter> rules = rulesOf(context.version());
        StringBuilder sql = new StringBuilder();
        values.entrySet().stream().sorted(Map.Entry.comparingByKey(Comparator.naturalOrder())).forEach(e -> {
            Parameter rule = rules.get(e.getKey());
            if (rule.restartRequired()) {
                throw new InvalidRequestException("The configuration parameter " + rule.name()
                        + " takes effect only after a restart.");
            }
            sql.append("SET GLOBAL ").append(rule.name()).append(" = ").append(sqlValue(rule, e.getValue()))
                    .append(";\n");
        });
        new MySqlFamilyInstance(engine, binaries, context).adminSql(sql.toString());
    }

    /** Validated values only: numbers as they are, booleans as ON/OFF, strings quoted (they hold no quote). */
    private static String sqlValue(Parameter rule, String value) {
        return switch (rule.type()) {
            case INTEGER, FLOAT -> value;
            case BOOLEAN -> fileValue(rule, value);
            case STRING -> "'" + value + "'";
        };
    }

    static Path configFile(InstanceContext context) {
        return context.confDir().resolve(CONFIG_FILE);
    }

    private static Path valuesFile(InstanceContext context) {
        return context.confDir().resolve(VALUES_FILE);
    }

    private static Path lastGood(Path file) {
        return file.resolveSibling(file.getFileName() + LAST_GOOD);
    }
}
