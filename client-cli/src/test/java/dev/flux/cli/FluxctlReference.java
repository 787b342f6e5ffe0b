package dev.flux.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes docs/fluxctl-reference.md from fluxctl's picocli model: every command, its synopsis, options (with their
 * defaults) and parameters, as the help shows them. Variables are left as written ({@code $FLUX_CONFIG}, else
 * {@code flux.toml}) so that the page is the same on every machine.
 */
final class FluxctlReference {

    static final String REGENERATE = "./mvnw -q -pl client-cli -am verify -Dtest=FluxctlReferenceTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dfluxctl.reference.write=true";
    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Z_]+)(?::-([^}]*))?}");

    private FluxctlReference() {
    }

    static String render() {
        CommandLine root = FluxCtl.commandLine();
        root.setInterpolateVariables(false);
        List<CommandLine> commands = new ArrayList<>();
        collect(root, commands);
        // Synopses name the help options through variables, so they come from a tree that resolves them; none
        // holds a default value that depends on the machine.
        List<CommandLine> resolved = new ArrayList<>();
        collect(FluxCtl.commandLine().setUsageHelpAutoWidth(false).setUsageHelpWidth(100), resolved);
        Map<String, String> synopsis = new HashMap<>();
        for (CommandLine c : resolved) {
            synopsis.put(c.getCommandSpec().qualifiedName(), new Help(c.getCommandSpec(),
                    Help.defaultColorScheme(Ansi.OFF)).synopsis(0).stripTrailing());
        }

        StringBuilder md = new StringBuilder();
        md.append("# fluxctl reference\n\n")
                .append("Every command and option of `fluxctl`, generated from its command definitions; do not edit.")
                .append(" Regenerate with\n`").append(REGENERATE).append("`\n(a test fails while this page is")
                .append(" stale). The guide is [fluxctl.md](fluxctl.md).\n\n")
                .append("Every command takes `-h`, `--help` (show its help) and `-V`, `--version`.\n\n")
                .append("Exit codes of every command:\n\n| code | meaning |\n|---|---|\n");
        ExitCodes.descriptions().forEach((code, meaning) -> md.append("| ").append(code).append(" | ")
                .append(cell(meaning)).append(" |\n"));
        md.append("\n## Commands\n\n");
        for (CommandLine c : commands) {
            String name = c.getCommandSpec().qualifiedName();
            md.append("- [").append(name).append("](#").append(name.replace(' ', '-')).append(')');
            String[] description = c.getCommandSpec().usageMessage().description();
            if (description.length > 0) {
                md.append(": ").append(text(description[0]));
            }
            md.append('\n');
        }
        for (CommandLine c : commands) {
            command(md, c.getCommandSpec(), synopsis);
        }
        return md.toString();
    }

    private static void collect(CommandLine command, List<CommandLine> out) {
        out.add(command);
        for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
            CommandSpec spec = sub.getValue().getCommandSpec();
            // each command once, under its name, not under its aliases; picocli's help command is left out
            if (sub.getKey().equals(spec.name()) && !spec.usageMessage().hidden() && !"help".equals(spec.name())) {
                collect(sub.getValue(), out);
            }
        }
    }

    private static void command(StringBuilder md, CommandSpec spec, Map<String, String> synopsis) {
        md.append("\n## ").append(spec.qualifiedName()).append("\n\n");
        description(md, spec.usageMessage().description());
        md.append("```\n").append(synopsis.get(spec.qualifiedName())).append("\n```\n");
        if (spec.aliases().length > 0) {
            md.append("\nAlso: `").append(String.join("`, `", spec.aliases())).append("`.\n");
        }
        List<PositionalParamSpec> params = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!params.isEmpty()) {
            md.append("\n| parameter | description |\n|---|---|\n");
            for (PositionalParamSpec p : params) {
                md.append("| `").append(p.paramLabel()).append("` | ").append(cell(description(p.description(),
                        p.defaultValue(), p.completionCandidates()))).append(" |\n");
            }
        }
        List<OptionSpec> options = spec.options().stream()
                .filter(o -> !o.hidden() && !o.usageHelp() && !o.versionHelp()).toList();
        if (!options.isEmpty()) {
            md.append("\n| option | default | description |\n|---|---|---|\n");
            for (OptionSpec o : options) {
                String names = "`" + String.join("`, `", o.names()) + (o.arity().max() > 0 ? " " + o.paramLabel()
                        : "") + "`";
                String defaultValue = o.defaultValue() == null ? "" : "`" + defaultText(o.defaultValue()) + "`";
                md.append("| ").append(cell(names)).append(" | ").append(cell(defaultValue)).append(" | ")
                        .append(cell(description(o.description(), o.defaultValue(), o.completionCandidates())))
                        .append(" |\n");
            }
        }
        if (!spec.subcommands().isEmpty()) {
            md.append("\nSubcommands: ");
            List<String> subs = new ArrayList<>();
            spec.subcommands().forEach((name, sub) -> {
                CommandSpec s = sub.getCommandSpec();
                if (name.equals(s.name()) && !"help".equals(name) && !s.usageMessage().hidden()) {
                    subs.add("[" + name + "](#" + s.qualifiedName().replace(' ', '-') + ")");
                }
            });
            md.append(String.join(", ", subs)).append(".\n");
        }
    }

    /** Description lines; indented ones (examples, output lines) become a code block. */
    private static void description(StringBuilder md, String[] lines) {
        boolean code = false;
        for (String raw : lines) {
            String line = text(raw);
            boolean indented = line.startsWith("  ");
            if (indented != code) {
                md.append(code ? "```\n" : "```\n");
                code = indented;
            }
            md.append(indented ? line.substring(2) : line).append(code ? "\n" : "  \n");
        }
        if (code) {
            md.append("```\n");
        }
        md.append('\n');
    }

    private static String description(String[] lines, String defaultValue, Iterable<String> candidates) {
        String text = text(String.join(" ", lines));
        if (defaultValue != null) {
            text = text.replace("${DEFAULT-VALUE}", defaultText(defaultValue));
        }
        if (candidates != null) {
            text = text.replace("${COMPLETION-CANDIDATES}", String.join(", ", candidates));
        }
        return text;
    }

    /** {@code ${env:FLUX_CONFIG:-flux.toml}} as a reader says it: {@code $FLUX_CONFIG, else flux.toml}. */
    private static String defaultText(String value) {
        Matcher m = ENV.matcher(value);
        return m.replaceAll(r -> Matcher.quoteReplacement("$" + r.group(1)
                + (r.group(2) == null ? "" : ", else " + r.group(2))));
    }

    /** picocli's format escapes resolved. */
    private static String text(String raw) {
        return raw.replace("%n", " ").replace("%%", "%");
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
