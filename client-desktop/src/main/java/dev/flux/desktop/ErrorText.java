package dev.flux.desktop;

import dev.flux.client.AgentException;
import dev.flux.client.controlplane.ControlPlaneException;
import dev.flux.client.inspect.InspectorClient;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A failure as one plain sentence for the screen, never a stack trace. The control plane's refusals are already
 * sentences ("subdomain 'wx' is taken"); the common ones get their words in the user's language.
 */
public final class ErrorText {

    private ErrorText() {
    }

    public static String describe(Throwable failure, Messages messages) {
        Throwable e = failure;
        while ((e instanceof UncheckedIOException || e instanceof java.util.concurrent.CompletionException
                || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof ControlPlaneException cp) {
            return switch (cp.kind()) {
                case UNREACHABLE -> messages.get("error.unreachable", detail(cp.getMessage()));
                case UNAUTHENTICATED -> messages.get("error.tokenRejected", cp.getMessage());
                case SERVER_ERROR -> messages.get("error.server", cp.getMessage());
                case REFUSED -> refused(cp, messages);
            };
        }
        if (e instanceof AgentException agent) {
            return agent.kind() == AgentException.Kind.AUTH_REJECTED
                    ? messages.get("error.tokenRejected", agent.getMessage())
                    : messages.get("error.agent", agent.getMessage());
        }
        if (e instanceof InspectorClient.InspectorException refused) {
            return refused.getMessage(); // the inspector's refusals are sentences naming the value
        }
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException || e instanceof IOException) {
            return e.getMessage() == null ? messages.get("error.unexpected", e.getClass().getSimpleName())
                    : e.getMessage();
        }
        return messages.get("error.unexpected", e.getMessage() == null ? e.getClass().getSimpleName()
                : e.getMessage());
    }

    private static String refused(ControlPlaneException e, Messages messages) {
        if ("subdomain_taken".equals(e.code())) {
            return messages.get("error.subdomainTaken", e.getMessage());
        }
        return e.getMessage();
    }

    /** "cannot reach the control plane at URL: connection refused" → the part after the URL, kept whole if odd. */
    private static String detail(String message) {
        return message == null ? "" : message;
    }
}
