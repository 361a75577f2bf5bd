package io.imgboard.ingest.rest;

import io.imgboard.ingest.persistence.DavProperty;

import javax.xml.namespace.QName;
import java.util.List;

/**
 * Writes WebDAV answers (207 multistatus, lock discovery). DAV: elements use the prefix {@code D};
 * there is no default namespace, so a dead property's value, which declares its own namespaces,
 * can be copied in as stored.
 */
final class DavMultistatus {
    static final String HEAD = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
    private final StringBuilder out = new StringBuilder(HEAD).append("<D:multistatus xmlns:D=\"DAV:\">");

    void openResponse(String href) {
        out.append("<D:response><D:href>").append(DavXml.escape(href)).append("</D:href>");
    }

    void closeResponse() {
        out.append("</D:response>");
    }

    /** A propstat: {@code props} are complete property elements. */
    void propstat(List<String> props, int status) {
        propstat(props, status, null);
    }

    /** A propstat with a {@code responsedescription} for a person, saying why (none when null). */
    void propstat(List<String> props, int status, String description) {
        if (props.isEmpty()) {
            return;
        }
        out.append("<D:propstat><D:prop>");
        props.forEach(out::append);
        out.append("</D:prop><D:status>").append(statusLine(status)).append("</D:status>");
        if (description != null) {
            out.append("<D:responsedescription>").append(DavXml.escape(description)).append("</D:responsedescription>");
        }
        out.append("</D:propstat>");
    }

    void status(String href, int status) {
        openResponse(href);
        out.append("<D:status>").append(statusLine(status)).append("</D:status>");
        closeResponse();
    }

    String finish() {
        return out.append("</D:multistatus>").toString();
    }

    static String statusLine(int status) {
        String reason = switch (status) {
            case 200 -> "OK";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 423 -> "Locked";
            case 424 -> "Failed Dependency";
            case 507 -> "Insufficient Storage";
            default -> "";
        };
        return "HTTP/1.1 " + status + " " + reason;
    }

    /** A DAV: property with text content (escaped) or, with {@code xml}, element content as is. */
    static String dav(String name, String content, boolean xml) {
        if (content == null || content.isEmpty()) {
            return "<D:" + name + "/>";
        }
        return "<D:" + name + ">" + (xml ? content : DavXml.escape(content)) + "</D:" + name + ">";
    }

    /** An empty element of any namespace: a property name (propname, 404 lists). */
    static String empty(QName name) {
        if (name.getNamespaceURI().equals(DavXml.DAV)) {
            return "<D:" + name.getLocalPart() + "/>";
        }
        return "<" + name.getLocalPart() + " xmlns=\"" + DavXml.escapeAttribute(name.getNamespaceURI()) + "\"/>";
    }

    static String dead(DavProperty p) {
        if (p.namespace().equals(DavXml.DAV)) {
            return dav(p.name(), p.value(), true);
        }
        return "<" + p.name() + " xmlns=\"" + DavXml.escapeAttribute(p.namespace()) + "\">" + p.value() + "</" + p.name() + ">";
    }

    static String activeLock(DavLocks.Lock lock, String rootHref) {
        return "<D:activelock><D:locktype><D:write/></D:locktype><D:lockscope>"
                + (lock.exclusive() ? "<D:exclusive/>" : "<D:shared/>") + "</D:lockscope>"
                + "<D:depth>" + (lock.deep() ? "infinity" : "0") + "</D:depth>"
                + (lock.ownerXml() == null ? "" : "<D:owner>" + lock.ownerXml() + "</D:owner>")
                + "<D:timeout>Second-" + lock.timeoutSeconds() + "</D:timeout>"
                + "<D:locktoken><D:href>" + DavXml.escape(lock.token()) + "</D:href></D:locktoken>"
                + "<D:lockroot><D:href>" + DavXml.escape(rootHref) + "</D:href></D:lockroot></D:activelock>";
    }

    static String supportedLock() {
        return "<D:supportedlock>"
                + "<D:lockentry><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>"
                + "<D:lockentry><D:lockscope><D:shared/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>"
                + "</D:supportedlock>";
    }
}
