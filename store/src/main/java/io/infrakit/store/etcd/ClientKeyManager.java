package io.infrakit.store.etcd;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager holding one client key and its certificate chain, offered whenever the server asks for a key of
 * that algorithm. The server's list of acceptable issuers is not consulted: there is only the one certificate, and
 * etcd says plainly when it does not trust it.
 */
final class ClientKeyManager extends X509ExtendedKeyManager {

    private static final String ALIAS = "client";

    private final PrivateKey key;
    private final X509Certificate[] chain;

    ClientKeyManager(PrivateKey key, X509Certificate[] chain) {
        if (chain.length == 0) {
            throw new IllegalArgumentException("no certificate in the client certificate file");
        }
        this.key = key;
        this.chain = chain.clone();
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return choose(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return choose(keyTypes);
    }

    private String choose(String[] keyTypes) {
        String algorithm = key.getAlgorithm();
        return keyTypes == null || Arrays.stream(keyTypes).anyMatch(t -> t.equals(algorithm)
                || (algorithm.equals("RSA") && t.equals("RSASSA-PSS"))) ? ALIAS : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return choose(new String[] {keyType}) == null ? null : new String[] {ALIAS};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
