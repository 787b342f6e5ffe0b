package dev.flux.protocol.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Maps control messages to and from their JSON form.
 *
 * <pre>
 * {"type":"register-tunnel","v":1, ...the record's components...}
 * </pre>
 *
 * Unknown fields are ignored; an unknown {@code type} or a {@code v} newer than this build knows is a
 * {@link ControlProtocolException}.
 */
final class ControlJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ControlJson() {
    }

    static byte[] write(ControlMessage message) {
        ControlMessageType type = ControlMessageType.of(message);
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", type.wireName());
        node.put("v", type.version());
        ObjectNode fields = MAPPER.valueToTree(message);
        if (fields.has("type") || fields.has("v")) {
            throw new IllegalStateException(type.wireName() + " has a component named 'type' or 'v', which the envelope uses");
        }
        node.setAll(fields);
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + type.wireName(), e);
        }
    }

    static ControlMessage read(byte[] json) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new ControlProtocolException("control frame is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw new ControlProtocolException("control frame is not a JSON object");
        }
        JsonNode typeNode = node.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new ControlProtocolException("control message has no 'type' field");
        }
        ControlMessageType type = ControlMessageType.forWireName(typeNode.asText());
        if (type == null) {
            throw new ControlProtocolException("unknown control message type '" + typeNode.asText() + "'");
        }
        JsonNode versionNode = node.get("v");
        if (versionNode == null || !versionNode.canConvertToInt()) {
            throw new ControlProtocolException("control message '" + type.wireName() + "' has no version field 'v'");
        }
        int version = versionNode.asInt();
        if (version < 1 || version > type.version()) {
            throw new ControlProtocolException("control message '" + type.wireName() + "' has version (" + version
                    + ") but this build supports versions 1 to " + type.version());
        }
        try {
            return MAPPER.treeToValue(node, type.messageClass());
        } catch (JsonProcessingException e) {
            throw new ControlProtocolException("control message '" + type.wireName() + "' is malformed: "
                    + firstLine(e.getOriginalMessage()));
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
