using Portal.Domain;
using Portal.Domain.Payments;

namespace Portal.Tests.Domain.Payments;

public class PaymentStateMachineTests
{
    // Columns: MarkPending, Succeed, Fail, Cancel, Settle, Reverse, WinDispute.
    // A status name: moves there; "=": already applied (a repeated or stale event); "x": refused.
    private static readonly Dictionary<PaymentStatus, string> Expected = new()
    {
        [PaymentStatus.Initiated] = "Pending Succeeded Failed Cancelled x x x",
        [PaymentStatus.Pending] = "= Succeeded Failed Cancelled x x x",
        [PaymentStatus.Succeeded] = "= = x x Settled Reversed =",
        [PaymentStatus.Settled] = "= = x x = Reversed =",
        [PaymentStatus.Failed] = "= x = = x x x",
        [PaymentStatus.Cancelled] = "= x = = x x x",
        [PaymentStatus.Reversed] = "= = = x = = Succeeded",
        [PaymentStatus.PartiallyRefunded] = "= = x x = Reversed =",
        [PaymentStatus.Refunded] = "= = x x = x =",
    };

    public static TheoryData<PaymentStatus, PaymentChange> EveryMove()
    {
        var data = new TheoryData<PaymentStatus, PaymentChange>();
        foreach (var status in Enum.GetValues<PaymentStatus>())
            foreach (var change in Enum.GetValues<PaymentChange>())
                data.Add(status, change);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryMove))]
    public void Every_move_from_every_status_is_decided(PaymentStatus from, PaymentChange change)
    {
        var expected = Expected[from].Split(' ')[(int)change];
        var transition = PaymentStateMachine.Decide(from, change);
        switch (expected)
        {
            case "x":
                transition.Outcome.ShouldBe(TransitionOutcome.Illegal);
                break;
            case "=":
                transition.Outcome.ShouldBe(TransitionOutcome.AlreadyApplied);
                transition.To.ShouldBe(from);
                break;
            default:
                transition.ShouldBe(new Transition(TransitionOutcome.Moves, Enum.Parse<PaymentStatus>(expected)));
                break;
        }
    }

    [Fact]
    public void Only_money_that_arrived_and_is_not_all_refunded_can_be_refunded()
    {
        Enum.GetValues<PaymentStatus>().Where(PaymentStateMachine.CanRefund)
            .ShouldBe([PaymentStatus.Succeeded, PaymentStatus.Settled, PaymentStatus.PartiallyRefunded], ignoreOrder: true);
    }

    [Fact]
    public void An_illegal_move_on_a_payment_is_refused_with_a_reason()
    {
        var books = new Books();
        var client = books.Client();
        var invoice = books.Issued(client, 1_000);
        var payment = Books.CardPayment(client, (invoice, 1_000));
        Settlement.Fail(payment, [invoice], "card declined", Books.Now).ShouldBeTrue();

        var refused = Should.Throw<DomainException>(() => Settlement.ApplySucceeded(payment, [invoice], books.Wallet(client), books.Key(), Books.Now));
        refused.Message.ShouldContain("Failed");
        payment.Status.ShouldBe(PaymentStatus.Failed);
        invoice.Paid.ShouldBe(Books.Eur(0));
    }
}
