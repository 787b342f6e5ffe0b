package dev.flux.client.wechat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** Reads the fields of a WeChat message: the child elements of {@code <xml>}, or the members of a JSON object. */
public final class WeChatMessage {

    private WeChatMessage() {
    }

    /**
     * The message's top-level fields in order; nested elements are kept as their text.
     *
     * @throws IllegalArgumentException saying why the text is neither a WeChat XML message nor a JSON object
     */
    public static Map<String, String> fields(String text) {
        String t = text.strip();
        if (t.startsWith("{")) {
            return json(t);
        }
        if (t.startsWith("<")) {
            return xml(t);
        }
        throw new IllegalArgumentException("the message is neither XML nor JSON");
    }

    private static Map<String, String> json(String text) {
        try {
            JsonNode node = JsonMapper.builder().build().readTree(text);
            Map<String, String> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
            }
            return out;
        } catch (Exception e) {
            throw new IllegalArgumentException("the message is not valid JSON: " + e.getMessage());
        }
    }

    private static Map<String, String> xml(String text) {
        try {
            Element root = parseXml(text).getDocumentElement();
            Map<String, String> out = new LinkedHashMap<>();
            NodeList children = root.getChildNodes();
            for (int i = 0; i < children.getLength(); i++) {
                Node n = children.item(i);
                if (n.getNodeType() == Node.ELEMENT_NODE) {
                    out.put(n.getNodeName(), n.getTextContent());
                }
            }
            return out;
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("the message is not valid XML: " + e.getMessage());
        }
    }

    /** Parses XML with DTDs and external entities refused, as for any text received from the network. */
    public static org.w3c.dom.Document parseXml(String text) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        f.setExpandEntityReferences(false);
        DocumentBuilder b = f.newDocumentBuilder();
        b.setErrorHandler(null);
        return b.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Escapes text for a CDATA section. */
    static String cdata(String value) {
        return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>";
    }
}
