package org.appban.admin.preview;

import java.time.Instant;

/**
 * One thing a function would do.
 *
 * @param action   e.g. {@code send reminder-7d}, {@code quarantine}, {@code uninstall}
 * @param cutsAccess true when the member loses something by it (a device's network access, the app on a corporate
 *                 device): what "who loses access when" lists
 * @param detail   why, in words
 */
public record PreviewItem(Instant at, String function, String action, String member, String device, boolean cutsAccess,
                          String detail) {
}
