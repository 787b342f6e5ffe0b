package dev.flux.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** fluxctl run in this JVM, exactly as {@link FluxCtl#main} runs it but without exiting, its output captured. */
final class CliRun {

    final CommandLine commandLine = FluxCtl.commandLine();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    CliRun() {
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
    }

    /** A finished run. */
    record Result(int exitCode, String out, String err) {
    }

    static Result run(String... args) {
        CliRun cli = new CliRun();
        int code = cli.execute(args);
        return new Result(code, cli.out(), cli.err());
    }

    int execute(String... args) {
        return commandLine.execute(args);
    }

    /** Everything written to stdout so far; safe to call while the command runs on another thread. */
    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }
}
