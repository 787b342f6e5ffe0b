package dev.flux.protocol.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration file that cannot be used, with every problem found in it rather than only the first, so one
 * edit can fix them all.
 *
 * <p>The message lists the problems one per line as {@code <source>: <path>: <message>} (or
 * {@code <source>: <message>} for problems about the whole file), ready to show to a person as it is.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final List<ConfigProblem> problems;

    /**
     * @param source the file's name as the user knows it (usually the path they passed)
     * @param problems at least one problem
     */
    public ConfigException(String source, List<ConfigProblem> problems) {
        super(format(requireNonNull(source, "source"), requireNonNull(problems, "problems")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("problems: [] (expected: at least one)");
        }
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    /** The file's name as the user knows it. */
    public String source() {
        return source;
    }

    /** Every problem, grouped by table in the order the file was checked. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String format(String source, List<ConfigProblem> problems) {
        return problems.stream().map(p -> source + ": " + p).collect(Collectors.joining("\n"));
    }
}
