package dev.flux.controlplane.certificate;

import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.audit.AuditLog;
import dev.flux.controlplane.reservation.Reservation;
import dev.flux.controlplane.reservation.ReservationKind;
import dev.flux.controlplane.reservation.ReservationRepository;
import dev.flux.controlplane.security.ApiPrincipal;
import dev.flux.protocol.tls.Fingerprint;
import dev.flux.protocol.tls.NodeCertificate;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/certificates}: certificates for the custom domains of https tunnels whose TLS the node terminates.
 * A user uploads one for a domain they hold (reserved, or claimed by one of their tunnels); nodes get it with the
 * tunnel's authorization. The key is never answered here.
 */
@RestController
@RequestMapping("/api/v1/certificates")
class CertificateController {

    private final CertificateRepository certificates;
    private final ReservationRepository reservations;
    private final AuditLog audit;
    private final Clock clock = Clock.systemUTC();

    CertificateController(CertificateRepository certificates, ReservationRepository reservations, AuditLog audit) {
        this.certificates = certificates;
        this.reservations = reservations;
        this.audit = audit;
    }

    /**
     * @param certificatePem the chain, leaf first (PEM)
     * @param keyPem the leaf's private key (PEM: PKCS#8, or the traditional RSA/EC form), unencrypted
     */
    record NewCertificate(@NotBlank String domain, @NotBlank @Size(max = 65_536) String certificatePem,
                          @NotBlank @Size(max = 16_384) String keyPem) {
        @Override
        public String toString() {
            return "NewCertificate[domain=" + domain + ", keyPem=<redacted>]";
        }
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Transactional
    Certificate upload(@Valid @RequestBody NewCertificate request, @AuthenticationPrincipal ApiPrincipal caller) {
        String domain = ReservationKind.DOMAIN.normalize(request.domain());
        Optional<Reservation> holder = reservations.findHolder(ReservationKind.DOMAIN, domain, null);
        if (!caller.actsAsAdmin() && holder.map(r -> r.userId() != caller.userId()).orElse(true)) {
            throw ApiException.unprocessable("domain_not_yours", "domain '" + domain + "' is not yours: reserve it "
                    + "first (POST /api/v1/reservations) or create your https tunnel with it");
        }
        NodeCertificate checked = CertificateCheck.check(domain, request.certificatePem(), request.keyPem(),
                clock.instant());
        X509Certificate leaf = checked.leaf();
        long owner = holder.map(Reservation::userId).orElse(caller.userId());
        long id = certificates.upsert(owner, domain, request.certificatePem(), request.keyPem(),
                        leaf.getSubjectX500Principal().getName(), leaf.getIssuerX500Principal().getName(),
                        CertificateCheck.dnsNames(leaf), leaf.getNotBefore().toInstant(),
                        leaf.getNotAfter().toInstant(), Fingerprint.of(leaf).toString())
                .orElseThrow(() -> ApiException.conflict("taken", "another user's certificate serves domain '"
                        + domain + "'"));
        audit.record(caller.username(), "certificate.upload", domain, Map.of("id", id));
        return certificates.findById(id).orElseThrow();
    }

    @GetMapping
    List<Certificate> list(@AuthenticationPrincipal ApiPrincipal caller) {
        return certificates.findAll(caller.actsAsAdmin() ? null : caller.userId());
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Transactional
    void delete(@PathVariable long id, @AuthenticationPrincipal ApiPrincipal caller) {
        Certificate c = certificates.findById(id).filter(x -> caller.canAccess(x.userId()))
                .orElseThrow(() -> ApiException.notFound("certificate " + id));
        certificates.delete(id);
        audit.record(caller.username(), "certificate.delete", c.domain(), Map.of("id", id));
    }
}
