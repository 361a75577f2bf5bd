package io.imgboard.ingest.rest;

import io.imgboard.ingest.persistence.DavProperty;

import javax.xml.XMLConstants;
import javax.xml.namespace.QName;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The request bodies of PROPFIND, PROPPATCH and LOCK, read with the JDK's StAX parser with DTDs and
 * external entities off (no XXE, no entity expansion), and capped in size. Answers are written by
 * {@link DavMultistatus}.
 */
final class DavXml {
    static final String DAV = "DAV:";
    /** Metadata bodies larger than this are refused (PUT bodies are not metadata and are exempt). */
    static final int MAX_BODY = 128 * 1024;

    private static final XMLInputFactory FACTORY;

    static {
        FACTORY = XMLInputFactory.newFactory();
        FACTORY.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        FACTORY.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        FACTORY.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        FACTORY.setProperty(XMLInputFactory.IS_COALESCING, true);
    }

    /** A body a client sent that is not what the method expects. */
    static final class BadXml extends Exception {
        BadXml(String message) {
            super(message);
        }
    }

    /** What a PROPFIND asks for: all properties, their names only, or the listed ones. */
    record PropFind(boolean allProp, boolean propName, List<QName> props) {
        static final PropFind ALL = new PropFind(true, false, List.of());
    }

    /** What a LOCK asks for. */
    record LockInfo(boolean exclusive, String ownerXml) {
    }

    private DavXml() {
    }

    /** Reads at most {@link #MAX_BODY} bytes; null when the body is empty. */
    static byte[] read(InputStream body) throws BadXml, IOException {
        if (body == null) {
            return null;
        }
        byte[] bytes = body.readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            throw new BadXml("request body too large: at most " + MAX_BODY + " bytes of XML");
        }
        return bytes.length == 0 ? null : bytes;
    }

    static PropFind propFind(byte[] body) throws BadXml {
        if (body == null) {
            return PropFind.ALL;
        }
        try {
            XMLStreamReader r = reader(body);
            root(r, "propfind");
            PropFind result = null;
            while (nextElement(r)) {
                QName name = r.getName();
                if (DAV.equals(name.getNamespaceURI()) && name.getLocalPart().equals("allprop")) {
                    result = PropFind.ALL;
                    skip(r);
                } else if (DAV.equals(name.getNamespaceURI()) && name.getLocalPart().equals("propname")) {
                    result = new PropFind(false, true, List.of());
                    skip(r);
                } else if (DAV.equals(name.getNamespaceURI()) && name.getLocalPart().equals("prop")) {
                    List<QName> props = new ArrayList<>();
                    while (nextElement(r)) {
                        props.add(r.getName());
                        skip(r);
                    }
                    result = new PropFind(false, false, props);
                } else {
                    skip(r);
                }
            }
            drain(r);
            if (result == null) {
                throw new BadXml("a propfind needs allprop, propname or prop");
            }
            return result;
        } catch (XMLStreamException e) {
            throw new BadXml("malformed XML: " + e.getMessage());
        }
    }

    /** The set (true) and remove (false) instructions of a propertyupdate, in document order. */
    static List<Map.Entry<DavProperty, Boolean>> propertyUpdate(byte[] body) throws BadXml {
        if (body == null) {
            throw new BadXml("PROPPATCH needs a propertyupdate body");
        }
        try {
            XMLStreamReader r = reader(body);
            root(r, "propertyupdate");
            List<Map.Entry<DavProperty, Boolean>> out = new ArrayList<>();
            while (nextElement(r)) {
                QName instruction = r.getName();
                boolean set = isDav(instruction, "set");
                if (!set && !isDav(instruction, "remove")) {
                    skip(r);
                    continue;
                }
                while (nextElement(r)) {
                    if (!isDav(r.getName(), "prop")) {
                        skip(r);
                        continue;
                    }
                    while (nextElement(r)) {
                        QName prop = r.getName();
                        String value = set ? content(r) : "";
                        if (!set) {
                            skip(r);
                        }
                        out.add(Map.entry(new DavProperty(prop.getNamespaceURI(), prop.getLocalPart(), value), set));
                    }
                }
            }
            drain(r);
            return out;
        } catch (XMLStreamException e) {
            throw new BadXml("malformed XML: " + e.getMessage());
        }
    }

    static LockInfo lockInfo(byte[] body) throws BadXml {
        try {
            XMLStreamReader r = reader(body);
            root(r, "lockinfo");
            Boolean exclusive = null;
            String owner = null;
            while (nextElement(r)) {
                if (isDav(r.getName(), "lockscope")) {
                    while (nextElement(r)) {
                        exclusive = isDav(r.getName(), "exclusive") ? Boolean.TRUE
                                : isDav(r.getName(), "shared") ? Boolean.FALSE : exclusive;
                        skip(r);
                    }
                } else if (isDav(r.getName(), "owner")) {
                    owner = content(r);
                } else {
                    skip(r);
                }
            }
            drain(r);
            if (exclusive == null) {
                throw new BadXml("a lockinfo needs a lockscope of exclusive or shared");
            }
            return new LockInfo(exclusive, owner);
        } catch (XMLStreamException e) {
            throw new BadXml("malformed XML: " + e.getMessage());
        }
    }

    private static XMLStreamReader reader(byte[] body) throws XMLStreamException {
        return FACTORY.createXMLStreamReader(new ByteArrayInputStream(body));
    }

    private static boolean isDav(QName name, String local) {
        return DAV.equals(name.getNamespaceURI()) && name.getLocalPart().equals(local);
    }

    private static void root(XMLStreamReader r, String expected) throws XMLStreamException, BadXml {
        while (r.hasNext()) {
            int event = r.next();
            if (event == XMLStreamConstants.DTD) {
                throw new BadXml("DTDs are not accepted");
            }
            if (event == XMLStreamConstants.START_ELEMENT) {
                if (!isDav(r.getName(), expected)) {
                    throw new BadXml("expected a DAV: " + expected + " element, got " + r.getName());
                }
                return;
            }
        }
        throw new BadXml("no XML element in the body");
    }

    /** Moves to the next child start element of the current element; false at the current element's end. */
    private static boolean nextElement(XMLStreamReader r) throws XMLStreamException {
        while (r.hasNext()) {
            int event = r.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                return true;
            }
            if (event == XMLStreamConstants.END_ELEMENT) {
                return false;
            }
        }
        return false;
    }

    /** Skips to the end of the current element. */
    private static void skip(XMLStreamReader r) throws XMLStreamException {
        int depth = 1;
        while (depth > 0 && r.hasNext()) {
            int event = r.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
    }

    /** Reads to the end of the document, so a malformed tail is still reported. */
    private static void drain(XMLStreamReader r) throws XMLStreamException {
        while (r.hasNext()) {
            r.next();
        }
    }

    /**
     * The content of the current element as XML that stands alone: every element declares its own
     * namespace, so the value can be written back into any answer.
     */
    private static String content(XMLStreamReader r) throws XMLStreamException {
        StringBuilder out = new StringBuilder();
        int depth = 1;
        while (r.hasNext()) {
            int event = r.next();
            switch (event) {
                case XMLStreamConstants.START_ELEMENT -> {
                    depth++;
                    String ns = r.getNamespaceURI() == null ? "" : r.getNamespaceURI();
                    out.append('<').append(r.getLocalName()).append(" xmlns=\"").append(escapeAttribute(ns)).append('"');
                    for (int i = 0; i < r.getAttributeCount(); i++) {
                        String ans = r.getAttributeNamespace(i);
                        if (ans != null && !ans.isEmpty() && !XMLConstants.XML_NS_URI.equals(ans)) {
                            out.append(" xmlns:a").append(i).append("=\"").append(escapeAttribute(ans)).append("\" a").append(i)
                                    .append(':');
                        } else if (XMLConstants.XML_NS_URI.equals(ans)) {
                            out.append(" xml:");
                        } else {
                            out.append(' ');
                        }
                        out.append(r.getAttributeLocalName(i)).append("=\"").append(escapeAttribute(r.getAttributeValue(i)))
                                .append('"');
                    }
                    out.append('>');
                }
                case XMLStreamConstants.END_ELEMENT -> {
                    depth--;
                    if (depth == 0) {
                        return out.toString();
                    }
                    out.append("</").append(r.getLocalName()).append('>');
                }
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
                        out.append(escape(r.getText()));
                default -> {
                }
            }
        }
        return out.toString();
    }

    static String escapeAttribute(String text) {
        return escape(text).replace("\"", "&quot;");
    }

    /** Text content: {@code <}, {@code >}, {@code &} and CR escaped; quotes stay as they are (ETags carry them). */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '\r' -> out.append("&#13;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
