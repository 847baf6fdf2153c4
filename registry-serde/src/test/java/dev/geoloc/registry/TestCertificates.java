package dev.geoloc.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Self-signed server and client certificates made with the JDK's keytool, for HTTPS tests. */
record TestCertificates(Path serverKeystore, Path clientKeystore, Path clientTruststore, Path serverTruststore) {

    static final String PASSWORD = "changeit";

    static TestCertificates createIn(Path dir) throws Exception {
        var certificates = new TestCertificates(dir.resolve("server.p12"), dir.resolve("client.p12"),
                dir.resolve("client-trust.p12"), dir.resolve("server-trust.p12"));
        keytool("-genkeypair", "-alias", "registry", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore", certificates.serverKeystore.toString());
        keytool("-genkeypair", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=geoloc-client", "-keystore", certificates.clientKeystore.toString());
        trust(certificates.serverKeystore, "registry", certificates.clientTruststore, dir);
        trust(certificates.clientKeystore, "client", certificates.serverTruststore, dir);
        return certificates;
    }

    /** The server side: its certificate, and trust in the client's for mutual TLS. */
    SSLContext serverContext() throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(serverKeystore), PASSWORD.toCharArray());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load(serverTruststore));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    private static void trust(Path keystore, String alias, Path truststore, Path dir) throws Exception {
        Path certificate = dir.resolve(alias + ".crt");
        keytool("-exportcert", "-alias", alias, "-keystore", keystore.toString(), "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", alias, "-file", certificate.toString(),
                "-keystore", truststore.toString());
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }

    private static KeyStore load(Path path) throws Exception {
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            return store;
        }
    }
}
