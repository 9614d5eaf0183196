using Portal.Domain;
using Portal.Domain.Payments;
using Portal.Providers.PayPal.Api;

namespace Portal.Tests.Sandbox.PayPal;

public sealed class PayPalAmountTests
{
    [Theory]
    [InlineData("EUR", 12_345, "123.45")]
    [InlineData("EUR", 5, "0.05")]
    [InlineData("USD", 100_000_000_01, "100000000.01")]
    [InlineData("JPY", 1_000, "1000")]
    [InlineData("HUF", 150_000, "1500")]
    [InlineData("TWD", 9_900, "99")]
    public void Money_becomes_paypals_decimal_string_and_back_exactly(string currency, long minor, string value)
    {
        var money = new Money(minor, Currency.FromCode(currency));

        var wire = PayPalAmounts.ToWire(money);

        wire.ShouldBe(new PayPalMoney(currency, value));
        PayPalAmounts.FromWire(wire).ShouldBe(money);
    }

    [Theory]
    [InlineData("HUF", "1500.00", 150_000)]
    [InlineData("EUR", "7.5", 750)]
    [InlineData("EUR", "-1.25", -125)]
    [InlineData("KWD", "1.234", 1_234)]
    public void Paypal_amounts_read_as_the_currencys_minor_units(string currency, string value, long minor) =>
        PayPalAmounts.FromWire(new PayPalMoney(currency, value)).ShouldBe(new Money(minor, Currency.FromCode(currency)));

    [Theory]
    [InlineData("EUR", "1.234")]
    [InlineData("JPY", "10.5")]
    [InlineData("EUR", "1e3")]
    [InlineData("EUR", "")]
    public void A_fraction_of_a_minor_unit_or_a_malformed_value_is_refused_not_rounded(string currency, string value) =>
        Should.Throw<FormatException>(() => PayPalAmounts.FromWire(new PayPalMoney(currency, value)));

    [Fact]
    public void Huf_and_twd_with_a_fraction_cannot_be_asked_of_paypal()
    {
        var refused = Should.Throw<DomainException>(() => PayPalAmounts.ToWire(new Money(150_050, Currency.FromCode("HUF"))));
        refused.Message.ShouldContain("whole units");
        Should.Throw<DomainException>(() => PayPalAmounts.ToWire(new Money(9_901, Currency.FromCode("TWD"))));
    }

    [Theory]
    [InlineData("BRL", "registered in that currency's own country")]
    [InlineData("CNY", "registered in that currency's own country")]
    [InlineData("KWD", "does not take payments in KWD")]
    [InlineData("INR", "does not take payments in INR")]
    public void Currencies_paypal_does_not_take_are_refused_with_the_reason(string currency, string reason)
    {
        PayPalCurrencies.Accepts(Currency.FromCode(currency)).ShouldBeFalse();
        Should.Throw<DomainException>(() => PayPalCurrencies.EnsureAccepts(Currency.FromCode(currency))).Message.ShouldContain(reason);
    }

    [Theory]
    [InlineData("EUR", 12_345)]
    [InlineData("JPY", 4_321)]
    [InlineData("HUF", 987_600)]
    public async Task An_order_in_each_exponent_is_captured_for_exactly_its_amount(string currency, long minor)
    {
        await using var bed = await PayPalTestbed.StartAsync();
        var amount = new Money(minor, Currency.FromCode(currency));

        var capture = await bed.CapturedAsync(amount);

        capture.Amount!.ToMoney().ShouldBe(amount);
        var breakdown = (await bed.Client.GetCaptureAsync(capture.Id)).SellerReceivableBreakdown!;
        (breakdown.PaypalFee!.ToMoney() + breakdown.NetAmount!.ToMoney()).ShouldBe(amount);
    }
}
