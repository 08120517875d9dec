package org.appban.sim.apple;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Reads the one thing the simulators need from an Apple configuration profile (a plist): the bundle ids a
 * {@code com.apple.applicationaccess} (Restrictions) payload blocks in {@code blockedAppBundleIDs}.
 */
public final class Mobileconfig {
    private Mobileconfig() {
    }

    /** The blocked bundle ids; empty when the profile has no Restrictions payload; IllegalArgumentException when unreadable. */
    public static Set<String> blockedAppBundleIds(String plist) {
        Set<String> out = new LinkedHashSet<>();
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            // Plists carry a DOCTYPE pointing at apple.com: never fetch it, never expand entities.
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            var doc = b.parse(new ByteArrayInputStream(plist.getBytes(StandardCharsets.UTF_8)));
            NodeList dicts = doc.getElementsByTagName("dict");
            for (int i = 0; i < dicts.getLength(); i++) {
                Element dict = (Element) dicts.item(i);
                if (!"com.apple.applicationaccess".equals(stringValue(dict, "PayloadType"))) continue;
                Element array = value(dict, "blockedAppBundleIDs");
                if (array == null || !array.getTagName().equals("array")) continue;
                NodeList strings = array.getElementsByTagName("string");
                for (int j = 0; j < strings.getLength(); j++) out.add(strings.item(j).getTextContent().trim());
            }
        } catch (Exception e) {
            throw new IllegalArgumentException("the configuration profile is not a readable plist: " + e.getMessage(), e);
        }
        return out;
    }

    private static String stringValue(Element dict, String key) {
        Element v = value(dict, key);
        return v == null ? null : v.getTextContent().trim();
    }

    /** The element that follows {@code <key>key</key>} directly in this dict. */
    private static Element value(Element dict, String key) {
        Node n = dict.getFirstChild();
        while (n != null) {
            if (n instanceof Element e && e.getTagName().equals("key") && e.getTextContent().trim().equals(key)) {
                Node v = e.getNextSibling();
                while (v != null && !(v instanceof Element)) v = v.getNextSibling();
                return (Element) v;
            }
            n = n.getNextSibling();
        }
        return null;
    }
}
