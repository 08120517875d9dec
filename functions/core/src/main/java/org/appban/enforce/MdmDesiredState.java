package org.appban.enforce;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;
import org.appban.domain.MdmKind;

/**
 * What one MDM should hold for the ban: the uninstall assigned to {@code uninstallTargets}, and {@code exempt}
 * excluded from the uninstall, the reinstall block and the compliance rule alike (one exclusion, so the three
 * never disagree). Ids are the MDM's own.
 */
public record MdmDesiredState(MdmKind mdm, SortedSet<String> uninstallTargets, SortedSet<String> exempt) {
    public MdmDesiredState {
        uninstallTargets = Collections.unmodifiableSortedSet(new TreeSet<>(uninstallTargets));
        exempt = Collections.unmodifiableSortedSet(new TreeSet<>(exempt));
    }
}
