package dev.flux.cli;

import dev.flux.client.controlplane.CredentialStore;
import dev.flux.client.controlplane.Credentials;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fluxctl logout}: deletes the saved login (the token itself stays valid until revoked). */
@Command(name = "logout", description = {
    "Delete the saved login from this machine.",
    "The token stays valid on the control plane; revoke it there (web UI, DELETE /api/v1/tokens/ID) if it leaked."})
final class LogoutCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigDirOption configDir;

    @Override
    public Integer call() {
        CredentialStore store = configDir.store();
        PrintWriter out = spec.commandLine().getOut();
        Optional<Credentials> saved;
        try {
            saved = store.load();
        } catch (IllegalStateException e) {
            saved = Optional.empty(); // an unreadable file is deleted all the same
        }
        if (store.delete()) {
            out.println("logged out" + saved.map(c -> " of " + c.server()).orElse("") + ": deleted " + store.file());
        } else {
            out.println("not logged in (no " + store.file() + "); nothing to do");
        }
        out.flush();
        return ExitCodes.OK;
    }
}
