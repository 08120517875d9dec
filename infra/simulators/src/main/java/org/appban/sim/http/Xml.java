package org.appban.sim.http;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** Just enough XML for Jamf's Classic API: parse safely, read by child path, escape when writing. */
public final class Xml {
    private Xml() {
    }

    public static Element parse(String xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setExpandEntityReferences(false);
            var b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return b.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))).getDocumentElement();
        } catch (Exception e) {
            throw new HttpFailure(400, "BadRequest", "the body is not readable XML: " + e.getMessage());
        }
    }

    /** The first element at a slash-separated path of child names, or null. */
    public static Element child(Element from, String path) {
        Element at = from;
        for (String name : path.split("/")) {
            if (at == null) return null;
            Element next = null;
            for (Node n = at.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && e.getTagName().equals(name)) {
                    next = e;
                    break;
                }
            }
            at = next;
        }
        return at;
    }

    public static String text(Element from, String path) {
        Element e = child(from, path);
        return e == null ? null : e.getTextContent().trim();
    }

    public static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        if (parent == null) return out;
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) out.add(e);
        }
        return out;
    }

    public static String escape(String s) {
        if (s == null) return "";
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&apos;");
    }
}
