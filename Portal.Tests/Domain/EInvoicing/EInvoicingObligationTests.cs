using Portal.Domain;
using Portal.Domain.Clients;
using Portal.Domain.EInvoicing;
using Portal.Domain.Firms;

namespace Portal.Tests.Domain.EInvoicing;

/// <summary>Which French obligation an invoice falls under on its date: e-invoicing, e-reporting or none, by the firm's wave.</summary>
public sealed class EInvoicingObligationTests
{
    private static FirmLegalIdentity French(CompanySize? size) => new("Cabinet Martin SAS", Siren: "732829320", Size: size);

    [Theory]
    // Large and mid-size firms: from 1 September 2026.
    [InlineData(CompanySize.LargeOrMidSize, ClientKind.FrenchBusiness, "2026-08-31", ObligationKind.EInvoicing, "2026-09-01", false)]
    [InlineData(CompanySize.LargeOrMidSize, ClientKind.FrenchBusiness, "2026-09-01", ObligationKind.EInvoicing, "2026-09-01", true)]
    [InlineData(CompanySize.LargeOrMidSize, ClientKind.Consumer, "2026-12-06", ObligationKind.EReporting, "2026-09-01", true)]
    [InlineData(CompanySize.LargeOrMidSize, ClientKind.International, "2026-12-06", ObligationKind.EReporting, "2026-09-01", true)]
    // Small, medium-sized and micro firms: from 1 September 2027; a PDF by email until then.
    [InlineData(CompanySize.SmallOrMicro, ClientKind.FrenchBusiness, "2027-08-31", ObligationKind.EInvoicing, "2027-09-01", false)]
    [InlineData(CompanySize.SmallOrMicro, ClientKind.FrenchBusiness, "2027-09-01", ObligationKind.EInvoicing, "2027-09-01", true)]
    [InlineData(CompanySize.SmallOrMicro, ClientKind.Consumer, "2027-01-15", ObligationKind.EReporting, "2027-09-01", false)]
    // A client whose kind is not stated is taken as a French business: the stricter case.
    [InlineData(CompanySize.SmallOrMicro, ClientKind.NotStated, "2027-09-01", ObligationKind.EInvoicing, "2027-09-01", true)]
    public void The_obligation_follows_the_client_and_the_firms_wave(CompanySize size, ClientKind client, string date, ObligationKind kind, string from, bool inForce) =>
        EInvoicingObligation.For(French(size), client, DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture))
            .ShouldBe(new EInvoicingObligation(kind, DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), inForce));

    [Fact]
    public void A_firm_that_has_not_stated_its_size_is_told_from_when_only_once_it_applies_whatever_the_size()
    {
        EInvoicingObligation.For(French(null), ClientKind.FrenchBusiness, new DateOnly(2027, 3, 1)).ShouldBe(new EInvoicingObligation(ObligationKind.EInvoicing, null, false));
        EInvoicingObligation.For(French(null), ClientKind.FrenchBusiness, new DateOnly(2027, 9, 1)).ShouldBe(new EInvoicingObligation(ObligationKind.EInvoicing, null, true));
    }

    [Fact]
    public void A_firm_without_a_siren_is_outside_the_french_reform()
    {
        var foreign = new FirmLegalIdentity("Acme Ltd", Size: CompanySize.LargeOrMidSize);
        EInvoicingObligation.For(foreign, ClientKind.FrenchBusiness, new DateOnly(2027, 9, 1)).ShouldBe(new EInvoicingObligation(ObligationKind.None, null, false));
    }

    [Fact]
    public void The_firm_keeps_the_size_its_owner_states_and_a_size_the_law_does_not_know_is_refused_changing_nothing()
    {
        var firm = new Firm("cabinet-martin", "Cabinet Martin", Currency.EUR, new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
        firm.SetLegalIdentity(French(CompanySize.SmallOrMicro));
        firm.Size.ShouldBe(CompanySize.SmallOrMicro);
        firm.LegalIdentity.Size.ShouldBe(CompanySize.SmallOrMicro);

        Should.Throw<DomainException>(() => firm.SetLegalIdentity(French((CompanySize)7))).Message.ShouldContain("size");
        firm.Size.ShouldBe(CompanySize.SmallOrMicro);
        firm.SetLegalIdentity(French(null));
        firm.Size.ShouldBeNull();
    }
}
