package dev.flux.cli;

import dev.flux.client.admin.LocalAdminClient;
import dev.flux.client.controlplane.Credentials;
import dev.flux.client.controlplane.RemoteTunnel;
import dev.flux.client.controlplane.SecretStore;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fluxctl tunnel secret NAME --secret S | --new}: saves the secret of one of the login's secret tunnels on
 * this machine, where {@code fluxctl up} reads it (the control plane never holds it). For serving a tunnel created
 * elsewhere, or for changing its secret.
 */
@Command(name = "secret", description = {
    "Save the secret of your secret tunnel (stcp, sudp, xtcp) on this machine, where `fluxctl up` reads it:",
    "  fluxctl tunnel secret db --secret S      (the secret its visitors already use)",
    "  fluxctl tunnel secret db --new           (a new random one, printed once; old visitors stop getting in)",
    "The control plane never sees the secret."})
final class TunnelSecretCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigDirOption configDir;

    @Parameters(paramLabel = "NAME", description = "The secret tunnel's name.")
    String name;

    @ArgGroup(multiplicity = "1")
    Value value;

    static final class Value {
        @Option(names = "--secret", paramLabel = "SECRET", required = true,
                description = "The secret to save (the one its visitors use).")
        String secret;

        @Option(names = "--new", required = true, description = "Make a new random secret and print it once.")
        boolean fresh;
    }

    @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "" + LocalAdminClient.DEFAULT_PORT,
            description = "Port of the local agent's admin API (default: ${DEFAULT-VALUE}); 0: do not notify it.")
    int adminPort;

    @Override
    public Integer call() {
        TunnelAddCommand.checkSecret(spec, value.secret, "the secret its visitors use; or --new for a new one");
        Credentials login = configDir.require();
        RemoteTunnel tunnel = TunnelCommand.client(login).tunnels().stream()
                .filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new CliFailure(ExitCodes.USAGE, "you have no tunnel named '" + name + "'; create "
                        + "it with `fluxctl tunnel add stcp PORT --name " + name + "`"));
        if (!SecretStore.TUNNEL_TYPES.contains(tunnel.type())) {
            throw new CliFailure(ExitCodes.USAGE, "tunnel '" + name + "' is a " + tunnel.type() + " tunnel; only "
                    + "stcp, sudp and xtcp tunnels have a secret");
        }
        String secret = value.fresh ? SecretStore.generate() : value.secret;
        SecretStore store = configDir.secrets();
        store.save(name, secret);
        PrintWriter out = spec.commandLine().getOut();
        out.println("secret of " + tunnel.type() + " tunnel " + name + " saved in " + store.file());
        if (value.fresh) {
            String owner = login.username() != null ? login.username() + "/" : "";
            out.println("secret: " + secret);
            out.println("visit with: fluxctl visit " + owner + name + " --secret " + secret);
        }
        out.flush();
        TunnelCommand.pokeAgent(out, adminPort, true);
        return ExitCodes.OK;
    }
}
