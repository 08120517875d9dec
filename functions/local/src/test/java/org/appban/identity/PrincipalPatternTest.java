package org.appban.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.appban.input.InvalidInputException;
import org.appban.policy.file.PolicyLoader;
import org.junit.jupiter.api.Test;

/** Policy approvers and administrators are principal patterns matched against proven callers only. */
class PrincipalPatternTest {
    static ProvenPrincipal proven(String arn) {
        return FunctionUrlIdentity.of(FunctionUrlEvent.signedBy(arn, "{}"));
    }

    @Test
    void an_identity_center_user_matches_through_the_permission_set_whatever_its_per_account_suffix_and_case() {
        PrincipalPattern p = PrincipalPattern.parse("arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AppbanApprover_*/rawiri@example.org");
        assertTrue(p.matches(proven("arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AppbanApprover_0f1e2d3c4b5a6978/Rawiri@Example.org")));
        assertFalse(p.matches(proven("arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_ReadOnly_0f1e2d3c4b5a6978/rawiri@example.org")),
                "another permission set");
        assertFalse(p.matches(proven("arn:aws:sts::444455556666:assumed-role/AWSReservedSSO_AppbanApprover_0f1e2d3c4b5a6978/rawiri@example.org")),
                "another account");
        assertFalse(p.matches(proven("arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AppbanApprover_0f1e2d3c4b5a6978/mere@example.org")));
    }

    @Test
    void a_role_pattern_names_one_session_or_every_session_and_an_iam_user_by_name() {
        assertTrue(PrincipalPattern.parse("arn:aws:sts::111122223333:assumed-role/appban-approver/*")
                .matches(proven("arn:aws:sts::111122223333:assumed-role/appban-approver/mere")));
        PrincipalPattern one = PrincipalPattern.parse("arn:aws:sts::111122223333:assumed-role/appban-approver/mere");
        assertTrue(one.matches(proven("arn:aws:sts::111122223333:assumed-role/appban-approver/mere")));
        assertFalse(one.matches(proven("arn:aws:sts::111122223333:assumed-role/appban-approver/rawiri")));
        assertTrue(PrincipalPattern.parse("arn:aws:iam::111122223333:user/ops/hana")
                .matches(proven("arn:aws:iam::111122223333:user/ops/hana")));
        assertFalse(PrincipalPattern.parse("arn:aws:iam::111122223333:user/ops/hana")
                .matches(proven("arn:aws:sts::111122223333:assumed-role/ops/hana")), "a role session called hana is not the user");
    }

    @Test
    void a_pattern_that_could_never_match_a_proven_caller_says_why_and_what_to_write() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PrincipalPattern.parse("ict-security-manager@parliament.govt.nz"))
                .getMessage().contains("AWSReservedSSO_<PermissionSet>_*/ict-security-manager@parliament.govt.nz"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PrincipalPattern.parse("arn:aws:iam::111122223333:role/appban-approver"))
                .getMessage().contains("assumed-role/appban-approver/<session name>"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PrincipalPattern.parse("arn:aws:iam::111122223333:root"))
                .getMessage().contains("root"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PrincipalPattern.parse("arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AppbanApprover_*/*"))
                .getMessage().contains("not a person"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PrincipalPattern.parse("arn:aws:sts::111122223333:assumed-role/appban-*/rawiri"))
                .getMessage().contains("only for an IAM Identity Center permission set"));
    }

    @Test
    void a_policy_whose_approver_can_never_match_does_not_load_and_the_error_names_the_field() {
        String bundled = new String(readBundled(), java.nio.charset.StandardCharsets.UTF_8);
        String broken = bundled.replace("\"arn:aws:sts::111122223333:assumed-role/appban-exemption-approver/*\"", "\"ict-security-manager@parliament.govt.nz\"");
        InvalidInputException x = assertThrows(InvalidInputException.class, () -> new PolicyLoader().parse(broken, "policy.json"));
        assertEquals("exemptions.approvers[0]", x.problems().get(0).where(), x.getMessage());
        assertTrue(x.getMessage().contains("no signed caller can ever match it"), x.getMessage());
        String badAdmin = bundled.replace("\"arn:aws:sts::111122223333:assumed-role/appban-operator/*\"", "\"arn:aws:iam::111122223333:role/appban-operator\"");
        InvalidInputException y = assertThrows(InvalidInputException.class, () -> new PolicyLoader().parse(badAdmin, "policy.json"));
        assertEquals("administration.administrators[0]", y.problems().get(0).where(), y.getMessage());
    }

    private static byte[] readBundled() {
        try (var in = PolicyLoader.class.getResourceAsStream("/policies/" + PolicyLoader.BUNDLED + ".json")) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void the_same_person_is_one_key_across_sessions_of_identity_center_but_each_role_session_is_its_own() {
        assertTrue(Principal.samePerson("arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_A_0a/Rawiri@x.org",
                "arn:aws:sts::444455556666:assumed-role/AWSReservedSSO_B_1b/rawiri@x.org"));
        assertFalse(Principal.samePerson("arn:aws:sts::111122223333:assumed-role/approver/rawiri",
                "arn:aws:sts::111122223333:assumed-role/approver/mere"));
        assertEquals(List.of(true, false), List.of(
                proven("arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_A_0a/m-001").principal().isMember("m-001", null),
                proven("arn:aws:sts::111122223333:assumed-role/approver/mere").principal().isMember("m-001", "m1@x.org")));
    }
}
