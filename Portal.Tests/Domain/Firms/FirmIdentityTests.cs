using Portal.Domain;
using Portal.Domain.Firms;

namespace Portal.Tests.Domain.Firms;

public sealed class FirmIdentityTests
{
    private static Firm AFirm() => new("acme", "Acme", Currency.EUR, DateTimeOffset.UnixEpoch);

    [Fact]
    public void Valid_identity_is_kept_without_spaces_and_in_upper_case()
    {
        var firm = AFirm();

        firm.SetLegalIdentity(new FirmLegalIdentity("Acme SAS", "1 rue de la Paix\n75002 Paris", "732 829 320", "732 829 320 00074", "fr 44 732829320",
            "fr76 3000 6000 0112 3456 7890 189", "bnpafrppxxx"));

        firm.LegalIdentity.ShouldBe(new FirmLegalIdentity("Acme SAS", "1 rue de la Paix\n75002 Paris", "732829320", "73282932000074", "FR44732829320",
            "FR7630006000011234567890189", "BNPAFRPPXXX"));
        firm.LegalIdentity.IsFrench.ShouldBeTrue();
    }

    [Fact]
    public void Siren_comes_from_the_siret_when_only_the_siret_is_given()
    {
        var firm = AFirm();
        firm.SetLegalIdentity(new FirmLegalIdentity(Siret: "73282932000074"));
        firm.Siren.ShouldBe("732829320");
    }

    [Theory]
    [InlineData("732829321", "check digit")]
    [InlineData("12345678", "nine digits")]
    [InlineData("73282932A", "nine digits")]
    public void Siren_with_a_wrong_length_or_check_digit_is_refused(string siren, string reason) =>
        Should.Throw<DomainException>(() => CompanyIdentifiers.NormalizeSiren(siren)).Message.ShouldContain(reason);

    [Theory]
    [InlineData("73282932000075", "check digit")]
    [InlineData("7328293200007", "fourteen digits")]
    public void Siret_with_a_wrong_length_or_check_digit_is_refused(string siret, string reason) =>
        Should.Throw<DomainException>(() => CompanyIdentifiers.NormalizeSiret(siret)).Message.ShouldContain(reason);

    [Fact]
    public void La_poste_establishments_are_checked_by_the_sum_of_their_digits()
    {
        // Fails the Luhn check, but its digits add up to a multiple of 5: the rule INSEE applies to La Poste's establishments.
        CompanyIdentifiers.NormalizeSiret("35600000049837").ShouldBe("35600000049837");
        Should.Throw<DomainException>(() => CompanyIdentifiers.NormalizeSiret("35600000049838"));
    }

    [Fact]
    public void Siret_of_another_company_than_the_siren_is_refused()
    {
        var firm = AFirm();
        var refusal = Should.Throw<DomainException>(() => firm.SetLegalIdentity(new FirmLegalIdentity(Siren: "732829320", Siret: "55210055400013")));
        (refusal.Message, refusal.Field).ShouldBe(("The SIRET 55210055400013 does not belong to the SIREN 732829320: its first nine digits must be the SIREN.", "Siret"));
        firm.Siren.ShouldBeNull();
    }

    [Fact]
    public void French_vat_number_key_is_computed_from_the_siren()
    {
        CompanyIdentifiers.FrenchVatKey("732829320").ShouldBe("44");
        CompanyIdentifiers.NormalizeVatNumber("FR44732829320").ShouldBe("FR44732829320");
        Should.Throw<DomainException>(() => CompanyIdentifiers.NormalizeVatNumber("FR45732829320")).Message.ShouldContain("FR44732829320");
        Should.Throw<DomainException>(() => CompanyIdentifiers.NormalizeVatNumber("FR44732829321")).Message.ShouldContain("SIREN");
        Should.Throw<DomainException>(() => CompanyIdentifiers.NormalizeVatNumber("FR4473282932")).Message.ShouldContain("nine digits");
    }

    [Fact]
    public void Vat_number_must_be_the_firms_own_siren()
    {
        var firm = AFirm();
        var refusal = Should.Throw<DomainException>(() => firm.SetLegalIdentity(new FirmLegalIdentity(Siren: "552100554", VatNumber: "FR44732829320")));
        refusal.Message.ShouldContain("not the firm's SIREN");
        refusal.Field.ShouldBe(nameof(FirmLegalIdentity.VatNumber));
    }

    [Theory]
    [InlineData(nameof(FirmLegalIdentity.Siren), "123456789")]
    [InlineData(nameof(FirmLegalIdentity.Iban), "FR76 3000 6000 0112 3456 7890 188")]
    [InlineData(nameof(FirmLegalIdentity.Bic), "BNP")]
    [InlineData(nameof(FirmLegalIdentity.SepaCreditorId), "FR00ZZZ123456")]
    public void A_refused_value_names_the_field_it_came_in(string field, string value)
    {
        var identity = field switch
        {
            nameof(FirmLegalIdentity.Siren) => new FirmLegalIdentity(Siren: value),
            nameof(FirmLegalIdentity.Iban) => new FirmLegalIdentity(Iban: value),
            nameof(FirmLegalIdentity.Bic) => new FirmLegalIdentity(Bic: value),
            _ => new FirmLegalIdentity(SepaCreditorId: value),
        };
        Should.Throw<DomainException>(() => AFirm().SetLegalIdentity(identity)).Field.ShouldBe(field);
    }

    [Fact]
    public void Other_countries_vat_numbers_are_checked_for_shape_only()
    {
        CompanyIdentifiers.NormalizeVatNumber("de 123456789").ShouldBe("DE123456789");
        Should.Throw<DomainException>(() => CompanyIdentifiers.NormalizeVatNumber("123456789"));
    }

    [Theory]
    [InlineData("FR7630006000011234567890189", "FR7630006000011234567890189")]
    [InlineData("DE89 3704 0044 0532 0130 00", "DE89370400440532013000")]
    [InlineData("gb82 west 1234 5698 7654 32", "GB82WEST12345698765432")]
    public void Iban_with_good_check_digits_is_kept_compact(string iban, string expected) =>
        BankIdentifiers.NormalizeIban(iban).ShouldBe(expected);

    [Theory]
    [InlineData("FR7630006000011234567890188", "check digits")]
    [InlineData("DE88370400440532013000", "check digits")]
    [InlineData("FR76", "15 to 34")]
    [InlineData("7630006000011234567890189", "15 to 34")]
    public void Iban_with_wrong_check_digits_or_shape_is_refused(string iban, string reason) =>
        Should.Throw<DomainException>(() => BankIdentifiers.NormalizeIban(iban)).Message.ShouldContain(reason);

    [Theory]
    [InlineData("FR72ZZZ123456", "FR72ZZZ123456")]
    [InlineData("fr72 zzz 123456", "FR72ZZZ123456")]
    // The Bundesbank's own example: the business code (ZZZ) is left out of the check.
    [InlineData("DE98ZZZ09999999999", "DE98ZZZ09999999999")]
    [InlineData("DE98ABC09999999999", "DE98ABC09999999999")]
    public void Sepa_creditor_identifier_with_good_check_digits_is_kept_compact(string creditorId, string expected) =>
        BankIdentifiers.NormalizeSepaCreditorId(creditorId).ShouldBe(expected);

    [Theory]
    [InlineData("FR73ZZZ123456", "check digits")]
    [InlineData("DE98ZZZ09999999998", "check digits")]
    [InlineData("FR72ZZ", "business code")]
    [InlineData("7212ZZZ123456", "business code")]
    public void Sepa_creditor_identifier_with_wrong_check_digits_or_shape_is_refused(string creditorId, string reason) =>
        Should.Throw<DomainException>(() => BankIdentifiers.NormalizeSepaCreditorId(creditorId)).Message.ShouldContain(reason);

    [Fact]
    public void The_sepa_creditor_identifier_is_part_of_the_identity_kept_whole_or_not_at_all()
    {
        var firm = AFirm();
        firm.SetLegalIdentity(new FirmLegalIdentity(LegalName: "Acme SAS", SepaCreditorId: "fr72 zzz 123456"));
        firm.LegalIdentity.SepaCreditorId.ShouldBe("FR72ZZZ123456");

        Should.Throw<DomainException>(() => firm.SetLegalIdentity(new FirmLegalIdentity(LegalName: "Other SAS", SepaCreditorId: "FR73ZZZ123456")));
        (firm.LegalIdentity.LegalName, firm.SepaCreditorId).ShouldBe(("Acme SAS", "FR72ZZZ123456"));
    }

    [Theory]
    [InlineData("BNPAFRPP", true)]
    [InlineData("bnpafrppxxx", true)]
    [InlineData("DEUTDEFF500", true)]
    [InlineData("BNPAFRP", false)]
    [InlineData("BNP1FRPP", false)]
    [InlineData("BNPAFRPPXX", false)]
    public void Bic_is_eight_or_eleven_characters_of_bank_country_place_and_branch(string bic, bool valid)
    {
        if (valid)
            BankIdentifiers.NormalizeBic(bic).ShouldBe(bic.ToUpperInvariant());
        else
            Should.Throw<DomainException>(() => BankIdentifiers.NormalizeBic(bic));
    }

    [Fact]
    public void A_refused_field_leaves_the_whole_identity_as_it_was()
    {
        var firm = AFirm();
        firm.SetLegalIdentity(new FirmLegalIdentity("Acme SAS", Iban: "FR7630006000011234567890189"));

        Should.Throw<DomainException>(() => firm.SetLegalIdentity(new FirmLegalIdentity("Other SAS", Iban: "FR7630006000011234567890188")));

        firm.LegalName.ShouldBe("Acme SAS");
        firm.Iban.ShouldBe("FR7630006000011234567890189");
    }
}
