package dev.flux.cli;

import dev.flux.protocol.auth.Tokens;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code fluxctl token ...}: agent credentials. */
@Command(name = "token", description = "Manage agent tokens.", subcommands = TokenCommand.Generate.class)
final class TokenCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /** {@code fluxctl token generate}. */
    @Command(name = "generate", description = {
        "Print a new random token and the hash of it that a node stores.",
        "The first line alone is the token, for scripts: fluxctl token generate | head -n 1"})
    static final class Generate implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            String token = Tokens.generate();
            PrintWriter out = spec.commandLine().getOut();
            out.println(token);
            out.println("tokenHash = \"" + Tokens.hash(token) + "\"");
            out.println("Put the token in the agent's flux.toml (token = \"...\") and paste the tokenHash line into "
                    + "a [[tokens]] entry of node.toml, which then holds no secret.");
            return ExitCodes.OK;
        }
    }
}
