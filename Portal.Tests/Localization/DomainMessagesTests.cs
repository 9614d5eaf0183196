using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Components.Shared;
using Portal.Domain;
using Portal.Localization;
using Portal.Tests.Domain;

namespace Portal.Tests.Localization;

// The app's Portal.Books namespace would otherwise hide the domain tests' Books helper here.
using Books = Portal.Tests.Domain.Books;

public class DomainMessagesTests
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr");
    private static readonly CultureInfo France = CultureInfo.GetCultureInfo("fr-FR");
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");
    private static readonly CultureInfo Britain = CultureInfo.GetCultureInfo("en-GB");
    private static readonly ResourceManager Errors = new("Portal.Localization.Errors", typeof(Text).Assembly);
    private static readonly IStringLocalizer<Text> T =
        new StringLocalizer<Text>(new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance));

    /// <summary>What a page shows for <paramref name="refused"/> to a reader in <paramref name="uiCulture"/> and <paramref name="culture"/>.</summary>
    private static string Shown(DomainException refused, CultureInfo uiCulture, CultureInfo culture)
    {
        var (previousUi, previous) = (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture);
        try
        {
            (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (uiCulture, culture);
            return refused.ToText(T);
        }
        finally
        {
            (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (previousUi, previous);
        }
    }

    [Fact]
    public void A_French_reader_sees_the_refusal_in_French_with_French_amounts()
    {
        var books = new Books();
        var invoice = books.Issued(books.Client(), 10_000);
        var refused = Should.Throw<DomainException>(() => invoice.ApplyPayment(Books.Eur(15_000)));

        var text = Shown(refused, French, France);

        text.ShouldBe($"{MoneyFormat.Format(Books.Eur(15_000), France)} dépasse les {MoneyFormat.Format(Books.Eur(10_000), France)} dus sur {invoice.Number}.");
        Normalised(text).ShouldBe($"150,00 € dépasse les 100,00 € dus sur {invoice.Number}.");
    }

    [Fact]
    public void An_English_reader_sees_the_message_unchanged()
    {
        var refused = new DomainException($"A partial payment must be at least {Books.Eur(2_500)}.");

        Shown(refused, English, Britain).ShouldBe("A partial payment must be at least 25.00 EUR.");
        Shown(refused, English, Britain).ShouldBe(refused.Message);
    }

    [Fact]
    public void A_status_or_method_is_named_as_the_French_screens_name_it()
    {
        var method = Portal.Domain.Payments.PaymentMethod.Card;

        Shown(new DomainException($"This firm does not take {method} payments."), French, France)
            .ShouldBe("Ce cabinet n'accepte pas les paiements par carte.");
        Shown(new DomainException($"A {Portal.Domain.Payments.PaymentStatus.Refunded} payment cannot be refunded."), French, France)
            .ShouldBe("Un paiement au statut « remboursé » ne peut pas être remboursé.");
    }

    [Fact]
    public void Refusals_chosen_by_a_switch_are_translated()
    {
        var books = new Books();
        var client = books.Client();
        var paid = books.Issued(client, 10_000);
        paid.ApplyPayment(Books.Eur(10_000));
        var succeeded = books.PaidByCard(client, (books.Issued(client, 5_000), 5_000));
        var number = "INV-00007";

        Shown(Should.Throw<DomainException>(() => paid.ApplyPayment(Books.Eur(100))), French, France).ShouldBe("Cette facture est déjà payée.");
        Shown(new DomainException($"Nothing more can be paid on {number}."), French, France).ShouldBe("Plus rien ne peut être payé sur INV-00007.");
        Shown(Should.Throw<DomainException>(() => succeeded.Check(Portal.Domain.Payments.PaymentChange.Cancel)), French, France)
            .ShouldBe("Un paiement au statut « payé » ne peut pas être annulé.");
        Shown(new DomainException($"A {succeeded.Status} payment cannot succeed."), French, France).ShouldBe("Un paiement au statut « payé » ne peut pas aboutir.");
    }

    [Fact]
    public void A_message_without_a_translation_is_shown_as_it_is()
    {
        var refused = new DomainException("La clé a été refusée par le prestataire {x}.");

        Shown(refused, French, France).ShouldBe("La clé a été refusée par le prestataire {x}.");
    }

    [Fact]
    public void Every_domain_refusal_in_the_code_has_a_French_translation()
    {
        var templates = ThrownTemplates().ToList();
        templates.Count.ShouldBeGreaterThan(100);

        var missing = templates.Select(t => t.Template).Distinct().Where(t => !IsTranslated(t)).ToList();

        missing.ShouldBeEmpty();
    }

    [Fact]
    public void Every_English_template_has_a_French_translation_with_the_same_holes()
    {
        var keys = Errors.GetResourceSet(CultureInfo.InvariantCulture, true, false)!.Cast<DictionaryEntry>().Select(e => (string)e.Key).ToList();
        keys.Count.ShouldBeGreaterThan(100);

        keys.Where(k => !IsTranslated(k)).ShouldBeEmpty();
    }

    private static bool IsTranslated(string template)
    {
        var french = Errors.GetString(template, French);
        if (french is null || french == template)
            return false;
        var arguments = Enumerable.Range(0, 10).Select(i => (object)$"<{i}>").ToArray();
        var holes = (string s) => Regex.Matches(string.Format(CultureInfo.InvariantCulture, s, arguments), "<\\d>").Select(m => m.Value).Order().ToList();
        return holes(french).SequenceEqual(holes(template));
    }

    private static string Normalised(string text) => text.Replace('\u00A0', ' ').Replace('\u202F', ' ');

    /// <summary>
    /// Every <c>new DomainException($"…")</c> and <c>new DomainException("…")</c> in Portal.Domain and Portal, as the
    /// template <see cref="DomainMessage"/> records: holes numbered in order with their alignment and format, and
    /// literal braces doubled.
    /// </summary>
    private static IEnumerable<(string Site, string Template)> ThrownTemplates()
    {
        var root = RepositoryRoot();
        foreach (var project in new[] { "Portal.Domain", "Portal" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, project), "*.cs", SearchOption.AllDirectories))
            {
                if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
                    continue;
                var source = File.ReadAllText(file);
                foreach (Match call in Regex.Matches(source, @"DomainException\(\s*"))
                {
                    var at = call.Index + call.Length;
                    var site = $"{Path.GetRelativePath(root, file)}:{source[..at].Count(c => c == '\n') + 1}";
                    if (source.AsSpan(at).StartsWith("$\""))
                        yield return (site, InterpolatedTemplate(source, at));
                    else if (source[at] == '"')
                        yield return (site, DomainMessage.EscapeBraces(Literal(source, ref at)));
                }
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Portal.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException("The tests run outside the repository.");
    }

    private static char Unescaped(char escaped) => escaped switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', _ => escaped };

    private static string Literal(string source, ref int at)
    {
        var text = new StringBuilder();
        for (at++; source[at] != '"'; at++)
            text.Append(source[at] == '\\' ? Unescaped(source[++at]) : source[at]);
        at++;
        return text.ToString();
    }

    private static string InterpolatedTemplate(string source, int at)
    {
        var template = new StringBuilder();
        var holes = 0;
        for (at += 2; source[at] != '"'; at++)
        {
            var c = source[at];
            if (c == '\\')
            {
                var escaped = Unescaped(source[++at]);
                template.Append(escaped is '{' or '}' ? new string(escaped, 2) : escaped.ToString());
            }
            else if (c is '{' or '}' && source[at + 1] == c)
            {
                template.Append(c, 2);
                at++;
            }
            else if (c == '{')
            {
                at = Hole(source, at + 1, out var alignment, out var format);
                template.Append('{').Append(holes++);
                if (alignment is not null)
                    template.Append(',').Append(alignment);
                if (format is not null)
                    template.Append(':').Append(format);
                template.Append('}');
            }
            else
                template.Append(c);
        }
        return template.ToString();
    }

    /// <summary>Skips a hole's expression (nested brackets and strings included); returns the index of its closing brace.</summary>
    private static int Hole(string source, int at, out string? alignment, out string? format)
    {
        alignment = null;
        format = null;
        var depth = 0;
        for (; ; at++)
        {
            var c = source[at];
            if (c == '"')
            {
                Literal(source, ref at);
                at--;
            }
            else if (c == '\'')
                at = source.IndexOf('\'', source[at + 1] == '\\' ? at + 3 : at + 2);
            else if (c is '(' or '[' or '{')
                depth++;
            else if (c is ')' or ']' || (c == '}' && depth > 0))
                depth--;
            else if (depth == 0 && c is ',' or ':' or '}')
                break;
        }
        if (source[at] == ',')
        {
            var start = at + 1;
            while (source[at] is not (':' or '}'))
                at++;
            alignment = source[start..at].Trim();
        }
        if (source[at] == ':')
        {
            var start = at + 1;
            at = source.IndexOf('}', start);
            format = source[start..at];
        }
        return at;
    }
}
