using Portal.Domain;
using Portal.Domain.Firms;

namespace Portal.Tests.Domain.Firms;

public class PaymentPolicyTests
{
    private static Money Eur(long minor) => Books.Eur(minor);

    [Theory]
    [InlineData(MinimumKind.None, 0, 0, 10_000, 1)]
    [InlineData(MinimumKind.FixedAmount, 2_500, 0, 10_000, 2_500)]
    [InlineData(MinimumKind.FixedAmount, 2_500, 0, 1_000, 1_000)]     // never more than what is due
    [InlineData(MinimumKind.PercentOfDue, 0, 2_500, 10_000, 2_500)]
    [InlineData(MinimumKind.PercentOfDue, 0, 2_500, 3, 1)]            // 0.75 rounds to 1
    [InlineData(MinimumKind.PercentOfDue, 0, 100, 10, 1)]             // 0.1 rounds to 0, at least one unit
    public void Minimum_partial_payment(MinimumKind kind, long fixedMinor, int basisPoints, long dueMinor, long expectedMinor)
    {
        var policy = new PaymentPolicy { PartialMinimumKind = kind, PartialMinimumMinor = fixedMinor, PartialMinimumBasisPoints = basisPoints };
        policy.MinimumPartial(Eur(dueMinor)).ShouldBe(Eur(expectedMinor));
    }

    [Fact]
    public void Partial_payment_below_the_minimum_is_refused_but_the_full_amount_is_not()
    {
        var policy = new PaymentPolicy { PartialMinimumKind = MinimumKind.FixedAmount, PartialMinimumMinor = 5_000 };
        Should.Throw<DomainException>(() => policy.EnsurePayable(Eur(4_999), Eur(20_000)));
        Should.NotThrow(() => policy.EnsurePayable(Eur(5_000), Eur(20_000)));
        Should.NotThrow(() => policy.EnsurePayable(Eur(3_000), Eur(3_000)));
    }

    [Fact]
    public void Without_partial_payments_only_the_full_amount_is_payable()
    {
        var policy = new PaymentPolicy { PartialPaymentsAllowed = false };
        Should.Throw<DomainException>(() => policy.EnsurePayable(Eur(999), Eur(1_000)));
        Should.NotThrow(() => policy.EnsurePayable(Eur(1_000), Eur(1_000)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1_001)]
    public void Zero_negative_or_more_than_due_is_refused(long minor) =>
        Should.Throw<DomainException>(() => new PaymentPolicy().EnsurePayable(Eur(minor), Eur(1_000)));

    [Fact]
    public void Invalid_policies_are_refused_by_the_firm()
    {
        var firm = new Firm("acme-advisers", "Acme", Currency.EUR, Books.Now);
        Should.Throw<DomainException>(() => firm.ChangePolicy(new PaymentPolicy { PartialMinimumMinor = -1 }));
        Should.Throw<DomainException>(() => firm.ChangePolicy(new PaymentPolicy { PrepaymentMinimumMinor = -1 }));
        Should.Throw<DomainException>(() => firm.ChangePolicy(new PaymentPolicy { PartialMinimumBasisPoints = 10_001 }));
    }
}
