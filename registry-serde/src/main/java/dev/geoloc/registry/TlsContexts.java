package dev.geoloc.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.apache.kafka.common.config.ConfigException;

import dev.geoloc.registry.RegistryClientConfig.Store;
import dev.geoloc.registry.RegistryClientConfig.TlsSettings;

/** Builds the SSLContext for HTTPS registries from the configured key and trust stores. */
final class TlsContexts {

    private TlsContexts() {
    }

    static SSLContext from(TlsSettings tls) {
        try {
            if (tls.usesJvmDefaults()) {
                return SSLContext.getDefault();
            }
            TrustManagerFactory trust = null;
            if (tls.truststore().isPresent()) {
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(load(tls.truststore().get(), RegistryClientConfig.TRUSTSTORE_LOCATION));
            }
            KeyManagerFactory keys = null;
            if (tls.keystore().isPresent()) {
                Store store = tls.keystore().get();
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(load(store, RegistryClientConfig.KEYSTORE_LOCATION),
                        tls.keyPassword().orElse(store.password()));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(),
                    trust == null ? null : trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new ConfigException("Cannot set up TLS to the schema registry: " + e.getMessage());
        }
    }

    private static KeyStore load(Store store, String key) throws GeneralSecurityException {
        try (InputStream in = Files.newInputStream(store.location())) {
            KeyStore keyStore = KeyStore.getInstance(store.type());
            keyStore.load(in, store.password());
            return keyStore;
        } catch (IOException e) {
            throw new ConfigException(key, store.location().toString(), "cannot read it: " + e.getMessage());
        }
    }
}
