using Portal.Domain;
using Portal.Domain.EInvoicing;

namespace Portal.Tests.Domain.EInvoicing;

public sealed class EInvoicingSubmissionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    private static EInvoicingSubmission Queued() => new(Guid.NewGuid(), SubmittedDocumentKind.Invoice, Guid.NewGuid(), Guid.NewGuid(), "F-2026-0042", Now);

    [Fact]
    public void A_rejection_closes_the_submission_and_counts_as_a_refusal()
    {
        var submission = Queued();
        submission.MarkSubmitted("flow-1", Now, Now);
        submission.Acknowledge(ok: true, reason: null, Now);

        submission.RecordStatus(200, Now, null).ShouldBeTrue();
        submission.RecordStatus(213, Now.AddMinutes(1), "SIREN inconnu").ShouldBeTrue();

        submission.State.ShouldBe(SubmissionState.Closed);
        submission.IsFollowed.ShouldBeFalse();
        submission.Statuses.Single(s => s.IsRefusal).Reason.ShouldBe("SIREN inconnu");
    }

    [Fact]
    public void The_same_status_read_again_is_recorded_once_even_when_the_platform_sends_finer_times()
    {
        var submission = Queued();
        submission.MarkSubmitted("flow-1", Now, Now);
        submission.Acknowledge(ok: true, reason: null, Now);
        var at = Now.AddTicks(1_234_567);

        submission.RecordStatus(201, at, null).ShouldBeTrue();
        submission.RecordStatus(201, at, null).ShouldBeFalse();

        submission.Statuses.ShouldHaveSingleItem().At.ShouldBe(Now.AddMilliseconds(123));
    }

    [Fact]
    public void Moves_out_of_order_are_refused_and_change_nothing()
    {
        var submission = Queued();

        Should.Throw<DomainException>(() => submission.Acknowledge(ok: true, reason: null, Now)).Message.ShouldContain("is Queued, not Submitted");
        Should.Throw<DomainException>(() => submission.RecordStatus(200, Now, null));
        submission.MarkBuyerUnreachable("552100554", Now);
        Should.Throw<DomainException>(() => submission.MarkSubmitted("flow-1", Now, Now));
        Should.Throw<DomainException>(() => submission.TryAgainAt(Now.AddMinutes(5), "later"));

        submission.State.ShouldBe(SubmissionState.BuyerUnreachable);
        submission.FlowId.ShouldBeNull();
        submission.Problem!.ShouldContain("552100554");
    }

    [Fact]
    public void An_acknowledgement_error_keeps_the_platforms_reason_and_is_no_longer_followed()
    {
        var submission = Queued();
        submission.MarkSubmitted("flow-1", Now, Now);

        submission.Acknowledge(ok: false, reason: "The buyer's SIREN (BT-47) is missing.", Now);

        submission.State.ShouldBe(SubmissionState.AcknowledgedError);
        submission.Problem.ShouldBe("The buyer's SIREN (BT-47) is missing.");
        submission.IsFollowed.ShouldBeFalse();
    }
}
