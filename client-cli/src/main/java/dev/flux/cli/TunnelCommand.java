package dev.flux.cli;

import dev.flux.client.admin.LocalAdminClient;
import dev.flux.client.controlplane.ControlPlaneClient;
import dev.flux.client.controlplane.Credentials;
import java.io.PrintWriter;
import java.net.URI;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code fluxctl tunnel ...}: the login's tunnels on the control plane. */
@Command(name = "tunnel", description = "Manage your tunnels on the control plane (after `fluxctl login`).",
        subcommands = {
            TunnelAddCommand.class,
            TunnelListCommand.class,
            TunnelChangeCommand.Remove.class,
            TunnelChangeCommand.Enable.class,
            TunnelChangeCommand.Disable.class,
            TunnelSecretCommand.class,
            HelpCommand.class
        })
final class TunnelCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand (add, list, rm, enable, "
                + "disable, secret)");
    }

    static ControlPlaneClient client(Credentials login) {
        return new ControlPlaneClient(URI.create(login.server()), login.token());
    }

    /**
     * Tells the agent running on this machine to apply a change now, and says what happens to it.
     *
     * @param added whether the change needs an agent to serve it (an add or an enable)
     */
    static void pokeAgent(PrintWriter out, int adminPort, boolean added) {
        if (adminPort == 0) {
            return;
        }
        switch (new LocalAdminClient(adminPort).sync()) {
            case SYNCED -> out.println("the agent running on this machine applies the change now");
            case FILE_MODE -> {
                if (added) {
                    out.println("the agent running on this machine serves a flux.toml, not the control plane: "
                            + "start `fluxctl up` without -c to serve this tunnel");
                }
            }
            case NO_AGENT -> {
                if (added) {
                    out.println("no agent is running on this machine: start one with `fluxctl up` to serve it");
                }
            }
            default -> throw new IllegalStateException();
        }
        out.flush();
    }
}
