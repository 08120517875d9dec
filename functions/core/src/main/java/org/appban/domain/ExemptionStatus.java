package org.appban.domain;

/** Where an exemption stands in its lifecycle. Only GRANTED exemptions protect anything, and only until expiry. */
public enum ExemptionStatus {
    REQUESTED, GRANTED, REFUSED, REVOKED
}
