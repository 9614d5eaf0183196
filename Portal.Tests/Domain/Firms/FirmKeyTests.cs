using Portal.Domain.Firms;

namespace Portal.Tests.Domain.Firms;

public sealed class FirmKeyTests
{
    [Theory]
    [InlineData("Cabinet Élise Martin & Fils", "cabinet-elise-martin-fils")]
    [InlineData("  Dupont   Conseil  ", "dupont-conseil")]
    [InlineData("3M Comptabilité", "firm-3m-comptabilite")]
    [InlineData("AB", "firm-ab")]
    [InlineData("L'Atelier d'Ève", "l-atelier-d-eve")]
    [InlineData("A very long firm name that goes well beyond the forty characters", "a-very-long-firm-name-that-goes-well-bey")]
    [InlineData("Société - - Générale -", "societe-generale")]
    public void A_key_is_made_from_the_firms_name(string name, string key)
    {
        var made = Firm.KeyFromName(name);

        made.ShouldBe(key);
        Firm.NormalizeKey(made!).ShouldBe(key);
    }

    [Theory]
    [InlineData("株式会社")]
    [InlineData("&&&")]
    [InlineData("")]
    public void A_name_with_nothing_usable_gives_no_key(string name) => Firm.KeyFromName(name).ShouldBeNull();
}
