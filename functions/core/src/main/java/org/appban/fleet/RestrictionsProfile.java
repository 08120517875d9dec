package org.appban.fleet;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * An Apple configuration profile with one Restrictions ({@code com.apple.applicationaccess}) payload whose
 * {@code blockedAppBundleIDs} lists the banned app's bundle ids. Supervised devices refuse to install or run them.
 * Its UUIDs derive from the name, so the same ban always produces the same profile.
 */
public final class RestrictionsProfile {
    private RestrictionsProfile() {
    }

    public static String plist(String name, List<String> bundleIds) {
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        StringBuilder ids = new StringBuilder();
        for (String id : bundleIds) ids.append("<string>").append(escape(id)).append("</string>");
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0"><dict>
                <key>PayloadContent</key><array><dict>
                <key>PayloadType</key><string>com.apple.applicationaccess</string>
                <key>PayloadVersion</key><integer>1</integer>
                <key>PayloadIdentifier</key><string>org.appban.%1$s.restrictions</string>
                <key>PayloadUUID</key><string>%2$s</string>
                <key>PayloadDisplayName</key><string>%3$s</string>
                <key>blockedAppBundleIDs</key><array>%4$s</array>
                </dict></array>
                <key>PayloadType</key><string>Configuration</string>
                <key>PayloadVersion</key><integer>1</integer>
                <key>PayloadIdentifier</key><string>org.appban.%1$s</string>
                <key>PayloadUUID</key><string>%5$s</string>
                <key>PayloadDisplayName</key><string>%3$s</string>
                </dict></plist>
                """.formatted(slug, uuid(name + "/payload"), escape(name), ids, uuid(name + "/profile"));
    }

    private static String uuid(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString().toUpperCase(Locale.ROOT);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
