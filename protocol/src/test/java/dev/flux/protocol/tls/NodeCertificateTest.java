package dev.flux.protocol.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.AlgorithmParameters;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeCertificateTest {

    @TempDir
    Path dir;

    @Test
    void aGeneratedCertificateNamesTheGivenHostsAndLocalhost() throws Exception {
        X509Certificate leaf = NodeCertificate.generate(List.of("tunnel.example.com", "203.0.113.7", "::1")).leaf();

        assertThat(sans(leaf)).containsExactly(
                List.of(2, "tunnel.example.com"),
                List.of(7, "203.0.113.7"),
                List.of(7, "0:0:0:0:0:0:0:1"),
                List.of(2, "localhost"));
        assertThat(rdns(leaf)).containsExactlyInAnyOrder("CN=tunnel.example.com", "O=FLUX Gateway node");
    }

    @Test
    void localhostIsNamedOnceAndIsTheSubjectWhenNoNameIsGiven() throws Exception {
        assertThat(sans(NodeCertificate.generate(List.of("localhost", "a.example")).leaf()))
                .containsExactly(List.of(2, "localhost"), List.of(2, "a.example"));

        X509Certificate bare = NodeCertificate.generate(List.of()).leaf();
        assertThat(sans(bare)).containsExactly(List.of(2, "localhost"));
        assertThat(rdns(bare)).contains("CN=localhost");
    }

    @Test
    void aGeneratedCertificateIsASelfSignedP256ServerCertificateValidForTenYears() throws Exception {
        NodeCertificate node = NodeCertificate.generate(List.of("tunnel.example.com"));
        X509Certificate leaf = node.leaf();

        assertThat(node.chain()).containsExactly(leaf);
        assertThat(leaf.getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(node.key()).isInstanceOf(ECPrivateKey.class);
        assertSameCurve(((ECPublicKey) leaf.getPublicKey()).getParams(), p256());
        assertThat(leaf.getSigAlgName()).isEqualToIgnoringCase("SHA256withECDSA");

        assertThat(leaf.getIssuerX500Principal()).isEqualTo(leaf.getSubjectX500Principal());
        leaf.verify(leaf.getPublicKey()); // self-signed
        assertThat(leaf.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(leaf.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(leaf.getCriticalExtensionOIDs()).contains("2.5.29.15", "2.5.29.19");
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");

        Instant now = Instant.now();
        leaf.checkValidity();
        assertThat(leaf.getNotBefore().toInstant()).isBefore(now)
                .isCloseTo(now.minus(Duration.ofDays(1)), within(1, ChronoUnit.MINUTES));
        assertThat(leaf.getNotAfter().toInstant()).isCloseTo(now.plus(Duration.ofDays(3650)), within(1, ChronoUnit.MINUTES));
        assertThat(leaf.getSerialNumber().signum()).isPositive();

        assertKeyBelongsToCertificate(node.key(), leaf);
    }

    @Test
    void everyGeneratedCertificateIsNew() {
        NodeCertificate a = NodeCertificate.generate(List.of("n.example"));
        NodeCertificate b = NodeCertificate.generate(List.of("n.example"));

        assertThat(a.fingerprint()).isNotEqualTo(b.fingerprint());
        assertThat(a.leaf().getSerialNumber()).isNotEqualTo(b.leaf().getSerialNumber());
        assertThat(a.fingerprint()).isEqualTo(Fingerprint.of(a.leaf()));
    }

    @Test
    void loadOrGenerateGeneratesOnceAndThenLoadsTheSameCertificate() throws Exception {
        Path dataDir = dir.resolve("data/node");

        NodeCertificate.Loaded first = NodeCertificate.loadOrGenerate(dataDir, List.of("tunnel.example.com"));
        NodeCertificate.Loaded second = NodeCertificate.loadOrGenerate(dataDir, List.of("other.example.com"));

        assertThat(first.generated()).isTrue();
        assertThat(second.generated()).isFalse();
        assertThat(second.certificate().fingerprint()).isEqualTo(first.certificate().fingerprint());
        assertThat(second.certificate().leaf()).isEqualTo(first.certificate().leaf());
        assertThat(second.certificate().key().getEncoded()).isEqualTo(first.certificate().key().getEncoded());
        assertKeyBelongsToCertificate(second.certificate().key(), second.certificate().leaf());
        try (var files = Files.list(dataDir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("no temporary files left").containsExactlyInAnyOrder("node.crt", "node.key");
        }
    }

    @Test
    void theGeneratedFilesAreReadableByTheOwnerOnly() throws Exception {
        NodeCertificate.loadOrGenerate(dir, List.of("tunnel.example.com"));

        if (Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(NodeCertificate.KEY_FILE))))
                    .isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(NodeCertificate.CERT_FILE))))
                    .isEqualTo("rw-------");
        }
        assertThat(Files.readString(dir.resolve(NodeCertificate.KEY_FILE))).contains("PRIVATE KEY-----");
        assertThat(Files.readString(dir.resolve(NodeCertificate.CERT_FILE))).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void aMissingKeyFileMeansANewCertificate() throws Exception {
        NodeCertificate.Loaded first = NodeCertificate.loadOrGenerate(dir, List.of("a.example"));
        Files.delete(dir.resolve(NodeCertificate.KEY_FILE));

        NodeCertificate.Loaded again = NodeCertificate.loadOrGenerate(dir, List.of("a.example"));

        assertThat(again.generated()).isTrue();
        assertThat(again.certificate().fingerprint()).isNotEqualTo(first.certificate().fingerprint());
        assertThat(NodeCertificate.readCertificates(dir.resolve(NodeCertificate.CERT_FILE)))
                .as("the certificate file was replaced").containsExactly(again.certificate().leaf());
    }

    @Test
    void loadsTheKeyFileItWritesItself() throws Exception {
        // what loadOrGenerate does on every restart of a node without a configured certificate
        NodeCertificate node = NodeCertificate.generate(List.of("leaf.example"));

        NodeCertificate loaded = NodeCertificate.load(write("c.pem", node.certificatePem()), write("k.pem", node.keyPem()));

        assertThat(loaded.fingerprint()).isEqualTo(node.fingerprint());
        assertKeyBelongsToCertificate(loaded.key(), loaded.leaf());
    }

    @Test
    void loadsAPemChainLeafFirst() throws Exception {
        NodeCertificate leaf = NodeCertificate.generate(List.of("leaf.example"));
        NodeCertificate second = NodeCertificate.generate(List.of("second.example"));
        Path cert = write("chain.pem", leaf.certificatePem() + second.certificatePem());

        NodeCertificate loaded = NodeCertificate.load(cert, write("key.pem", pkcs8(leaf.key())));

        assertThat(loaded.chain()).containsExactly(leaf.leaf(), second.leaf());
        assertThat(loaded.leaf()).isEqualTo(leaf.leaf());
        assertThat(loaded.fingerprint()).isEqualTo(leaf.fingerprint());
    }

    @Test
    void loadsATraditionalEcKeyAsOpensslWritesIt() throws Exception {
        // "EC PRIVATE KEY" with the public key inside, as `openssl ecparam -genkey` writes it
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC", new BouncyCastleProvider());
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = gen.generateKeyPair();
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
            w.writeObject(pair.getPrivate());
        }
        assertThat(pem.toString()).startsWith("-----BEGIN EC PRIVATE KEY-----");
        NodeCertificate node = NodeCertificate.generate(List.of("leaf.example"));

        NodeCertificate loaded = NodeCertificate.load(write("c.pem", node.certificatePem()), write("k.pem", pem.toString()));

        assertThat(loaded.key().getAlgorithm()).isEqualTo("EC");
        assertThat(((ECPrivateKey) loaded.key()).getS()).isEqualTo(((ECPrivateKey) pair.getPrivate()).getS());
    }

    @Test
    void loadsAPkcs8Key() throws Exception {
        NodeCertificate node = NodeCertificate.generate(List.of("leaf.example"));

        NodeCertificate loaded = NodeCertificate.load(write("c.pem", node.certificatePem()),
                write("k.pem", pkcs8(node.key())));

        assertKeyBelongsToCertificate(loaded.key(), loaded.leaf());
        assertThat(loaded.key().getEncoded()).isEqualTo(node.key().getEncoded());
    }

    @Test
    void loadFailsClearlyWithoutACertificateOrAKey() throws Exception {
        NodeCertificate node = NodeCertificate.generate(List.of("leaf.example"));
        Path cert = write("c.pem", node.certificatePem());
        Path key = write("k.pem", pkcs8(node.key()));
        Path empty = write("empty.pem", "");

        assertThatThrownBy(() -> NodeCertificate.load(empty, key))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("no PEM certificate found in " + empty);
        assertThatThrownBy(() -> NodeCertificate.load(cert, empty))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("no unencrypted PEM private key found in " + empty);
        assertThatThrownBy(() -> NodeCertificate.load(cert, cert))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("no unencrypted PEM private key found in " + cert);
        assertThatThrownBy(() -> NodeCertificate.load(dir.resolve("missing.pem"), key))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    @Test
    void readCertificatesReadsABundle() throws Exception {
        NodeCertificate a = NodeCertificate.generate(List.of("a.example"));
        NodeCertificate b = NodeCertificate.generate(List.of("b.example"));

        assertThat(NodeCertificate.readCertificates(write("bundle.pem", a.certificatePem() + "\n" + b.certificatePem())))
                .containsExactly(a.leaf(), b.leaf());
        assertThat(NodeCertificate.readCertificates(write("none.pem", ""))).isEmpty();
    }

    private static String pkcs8(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    private static List<String> rdns(X509Certificate cert) throws Exception {
        return new LdapName(cert.getSubjectX500Principal().getName()).getRdns().stream().map(Rdn::toString).toList();
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.US_ASCII);
    }

    /** Subject alternative names as [type, value] lists, in certificate order. */
    private static List<List<?>> sans(X509Certificate cert) throws Exception {
        Collection<List<?>> names = cert.getSubjectAlternativeNames();
        return names == null ? List.of() : new ArrayList<>(names);
    }

    private static ECParameterSpec p256() throws Exception {
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        return params.getParameterSpec(ECParameterSpec.class);
    }

    private static void assertSameCurve(ECParameterSpec actual, ECParameterSpec expected) {
        assertThat(actual.getCurve()).isEqualTo(expected.getCurve());
        assertThat(actual.getGenerator()).isEqualTo(expected.getGenerator());
        assertThat(actual.getOrder()).isEqualTo(expected.getOrder());
        assertThat(actual.getCofactor()).isEqualTo(expected.getCofactor());
    }

    private static void assertKeyBelongsToCertificate(PrivateKey key, X509Certificate cert) throws Exception {
        byte[] data = "proof of possession".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(cert.getPublicKey());
        verifier.update(data);
        assertThat(verifier.verify(signature)).as("key matches the certificate").isTrue();
    }
}
