package org.appban.exemption;

import java.util.List;
import org.appban.identity.PrincipalPattern;
import org.appban.identity.ProvenPrincipal;

/**
 * Who may decide exemptions: the policy's {@code exemptions.approvers}, principal patterns ({@link PrincipalPattern})
 * matched against the proven caller only. Pure.
 */
public final class Approvers {
    private final List<String> approvers;
    private final List<PrincipalPattern> patterns;

    /** @throws IllegalArgumentException for a pattern that can never match (the policy loader reports it by field) */
    public Approvers(List<String> approvers) {
        this.approvers = List.copyOf(approvers);
        this.patterns = PrincipalPattern.parseAll(approvers);
    }

    public List<String> list() {
        return approvers;
    }

    public boolean mayDecide(ProvenPrincipal caller) {
        return caller != null && patterns.stream().anyMatch(p -> p.matches(caller));
    }

    /**
     * Whether a principal ARN on record (a fleet file's {@code approvedBy}) is one the policy's approvers name. It
     * proves nobody: it only checks a file before anything runs; decisions take {@link #mayDecide}.
     */
    public boolean names(String principalArn) {
        return org.appban.identity.Principal.parse(principalArn)
                .map(principal -> patterns.stream().anyMatch(p -> p.matches(principal))).orElse(false);
    }
}
