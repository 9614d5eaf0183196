using Portal.Documents;
using Portal.Domain;

namespace Portal.Tests.Documents;

public sealed class EpcPayloadTests
{
    [Fact]
    public void Payload_follows_epc069_12_version_2_line_by_line()
    {
        var payload = EpcPayload.For("Cabinet Martin SAS", "FR7630006000011234567890189", "BNPAFRPPXXX", new Money(1234_56, Currency.EUR), "INV-00042");

        payload.ShouldBe("BCD\n002\n1\nSCT\nBNPAFRPPXXX\nCabinet Martin SAS\nFR7630006000011234567890189\nEUR1234.56\n\n\nINV-00042");
    }

    [Fact]
    public void Bic_may_be_left_empty_and_cents_keep_two_digits()
    {
        var payload = EpcPayload.For("Émile Zola & Fils", "DE89370400440532013000", null, new Money(5, Currency.EUR), "F-1");

        payload.ShouldBe("BCD\n002\n1\nSCT\n\nÉmile Zola & Fils\nDE89370400440532013000\nEUR0.05\n\n\nF-1");
    }

    [Fact]
    public void Name_is_cut_at_seventy_characters_and_line_breaks_cannot_shift_fields()
    {
        var payload = EpcPayload.For(new string('A', 69) + "BC", "FR7630006000011234567890189", null, new Money(100, Currency.EUR), "INV\n1")!;

        var lines = payload.Split('\n');
        lines.Length.ShouldBe(11);
        lines[5].ShouldBe(new string('A', 69) + "B");
        lines[10].ShouldBe("INV 1");
    }

    [Fact]
    public void No_payload_outside_euros_without_an_iban_or_with_nothing_due()
    {
        EpcPayload.For("Firm", "FR7630006000011234567890189", null, new Money(100, Currency.GBP), "INV-1").ShouldBeNull();
        EpcPayload.For("Firm", null, null, new Money(100, Currency.EUR), "INV-1").ShouldBeNull();
        EpcPayload.For("Firm", "FR7630006000011234567890189", null, new Money(0, Currency.EUR), "INV-1").ShouldBeNull();
        EpcPayload.For("Firm", "FR7630006000011234567890189", null, new Money(1_000_000_000_00, Currency.EUR), "INV-1").ShouldBeNull();
        EpcPayload.For("Firm", "FR7630006000011234567890189", null, new Money(999_999_999_99, Currency.EUR), "INV-1").ShouldEndWith("EUR999999999.99\n\n\nINV-1");
    }
}
