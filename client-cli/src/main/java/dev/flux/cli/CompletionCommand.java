package dev.flux.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fluxctl completion}: the bash completion script, generated from the command tree. */
@Command(name = "completion", description = {
    "Print a bash (and zsh) completion script for fluxctl.",
    "Load it now with: source <(fluxctl completion)",
    "or for good with: fluxctl completion > /etc/bash_completion.d/fluxctl"})
final class CompletionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash("fluxctl", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
