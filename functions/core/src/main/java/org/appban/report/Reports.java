package org.appban.report;

/**
 * Where administrators' exports go: the reports bucket on AWS ({@code REPORTS_BUCKET}), a folder in the rehearsal.
 * Reports hold personal data (names, addresses, devices), so the bucket is private and encrypted.
 */
public interface Reports {
    /**
     * Stores one report, replacing any object at the same key.
     *
     * @param key         a relative path of letters, digits and {@code -._/}
     * @return where it went, for the administrator to fetch (e.g. {@code s3://bucket/key} or a file path)
     */
    String put(String key, String contentType, byte[] content);

    static String checkKey(String key) {
        if (key == null || !key.matches("^[A-Za-z0-9][A-Za-z0-9._/-]{0,500}$") || key.contains("..") || key.contains("//")) {
            throw new IllegalArgumentException("not a report key: " + key);
        }
        return key;
    }
}
