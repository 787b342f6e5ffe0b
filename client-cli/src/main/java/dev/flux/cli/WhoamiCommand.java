package dev.flux.cli;

import dev.flux.client.controlplane.ControlPlaneClient;
import dev.flux.client.controlplane.ControlPlaneException;
import dev.flux.client.controlplane.Credentials;
import dev.flux.client.controlplane.Me;
import java.io.PrintWriter;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fluxctl whoami}: the saved login, checked against the control plane. */
@Command(name = "whoami", description = "Show the control plane, user and token of the saved login.")
final class WhoamiCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigDirOption configDir;

    @Override
    public Integer call() {
        Credentials login = configDir.require();
        ControlPlaneClient client = new ControlPlaneClient(URI.create(login.server()), login.token());
        Me me = client.me();
        String tokenName;
        try {
            tokenName = client.tokenName(me.tokenId());
        } catch (ControlPlaneException e) {
            tokenName = null;
        }
        if (tokenName == null) {
            tokenName = login.tokenName();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("server:   " + login.server());
        out.println("username: " + me.username() + (me.role() == null ? "" : " (" + me.role() + ")"));
        out.println("token:    " + (tokenName == null ? "#" + me.tokenId() : tokenName)
                + " (scopes: " + String.join(", ", me.scopes()) + ")");
        out.flush();
        return ExitCodes.OK;
    }
}
