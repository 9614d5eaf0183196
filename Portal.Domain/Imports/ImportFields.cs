using System.Globalization;
using System.Text;

namespace Portal.Domain.Imports;

public enum ImportKind { Clients, Invoices }

/// <summary>A field Portal fills from a column, with the headers (English and French) that name it in other tools' exports.</summary>
public sealed record ImportField(string Key, bool Required, IReadOnlyList<string> Headers);

/// <summary>The fields of each kind of import, and the guess of which file column holds which field.</summary>
public static class ImportFields
{
    public static readonly IReadOnlyList<ImportField> Clients =
    [
        new("name", true, ["name", "client", "client name", "company", "company name", "customer", "nom", "raison sociale", "nom du client", "société", "societe", "client nom"]),
        new("contact_name", false, ["contact", "contact name", "contact person", "nom du contact", "interlocuteur", "contact nom"]),
        new("billing_email", true, ["billing email", "email", "e-mail", "mail", "invoice email", "courriel", "email de facturation", "adresse email", "adresse e-mail", "e-mail de facturation"]),
        new("language", false, ["language", "lang", "langue"]),
        new("currency", false, ["currency", "devise", "monnaie"]),
        new("company_number", false, ["company number", "siren", "siret", "registration number", "numéro siren", "numero siren", "n° siren", "numéro d'entreprise"]),
        new("vat_number", false, ["vat number", "vat", "vat id", "tva intracommunautaire", "numéro de tva", "numero de tva", "n° tva", "tva intra"]),
        new("address", false, ["address", "billing address", "adresse", "adresse de facturation"]),
        new("external_reference", false, ["external reference", "reference", "ref", "client id", "customer id", "id", "code client", "référence", "reference client", "référence client", "id client"]),
    ];

    public static readonly IReadOnlyList<ImportField> Invoices =
    [
        new("number", true, ["number", "invoice number", "invoice", "invoice no", "numéro", "numero", "numéro de facture", "numero de facture", "n° facture", "facture"]),
        new("client_email", false, ["client email", "billing email", "email", "e-mail", "courriel", "email client"]),
        new("client_reference", false, ["client reference", "client id", "customer id", "external reference", "reference client", "référence client", "code client", "id client"]),
        new("issue_date", true, ["issue date", "date", "invoice date", "date de facture", "date d'émission", "date emission", "date de facturation"]),
        new("due_date", true, ["due date", "due", "échéance", "echeance", "date d'échéance", "date echeance"]),
        new("currency", false, ["currency", "devise", "monnaie"]),
        new("description", false, ["description", "line description", "item", "désignation", "designation", "libellé", "libelle"]),
        new("quantity", false, ["quantity", "qty", "quantité", "quantite", "qté"]),
        new("unit_price", false, ["unit price", "price", "prix unitaire", "prix unitaire ht", "pu ht", "prix"]),
        new("vat_rate", false, ["vat rate", "tax rate", "taux de tva", "taux tva", "tva %"]),
        new("net", false, ["net", "net total", "subtotal", "total ht", "montant ht", "ht"]),
        new("vat", false, ["vat", "tax", "vat amount", "tva", "montant tva", "total tva"]),
        new("gross", false, ["gross", "total", "total ttc", "montant ttc", "ttc", "amount"]),
        new("paid", false, ["paid", "amount paid", "already paid", "payé", "paye", "montant payé", "montant paye", "déjà payé", "deja paye", "règlement", "reglement"]),
    ];

    public static IReadOnlyList<ImportField> Of(ImportKind kind) => kind switch
    {
        ImportKind.Clients => Clients,
        ImportKind.Invoices => Invoices,
    };

    /// <summary>
    /// Which column holds each field, guessed from the headers: a header naming a field exactly (accents, case and
    /// punctuation aside) wins; each column serves one field at most. Fields no header names are left out.
    /// </summary>
    public static Dictionary<string, int> Guess(ImportKind kind, IReadOnlyList<string> headers)
    {
        var normalized = headers.Select(Normalize).ToList();
        var mapping = new Dictionary<string, int>(StringComparer.Ordinal);
        var taken = new HashSet<int>();
        // Field keys first (a file Portal wrote), then each field's synonyms in order: the earlier ones are the more telling.
        foreach (var field in Of(kind))
        {
            var index = normalized.IndexOf(Normalize(field.Key));
            if (index >= 0 && taken.Add(index))
                mapping[field.Key] = index;
        }
        for (var rank = 0; rank < Of(kind).Max(f => f.Headers.Count); rank++)
        {
            foreach (var field in Of(kind).Where(f => !mapping.ContainsKey(f.Key) && rank < f.Headers.Count))
            {
                var index = normalized.FindIndex(h => h == Normalize(field.Headers[rank]));
                if (index >= 0 && taken.Add(index))
                    mapping[field.Key] = index;
            }
        }
        return mapping;
    }

    /// <summary>Lower case, no accents, words separated by one space: "Date d'Échéance" and "date_d_echeance" read alike.</summary>
    public static string Normalize(string header)
    {
        var decomposed = header.Trim().ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var text = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
                continue;
            text.Append(char.IsLetterOrDigit(c) || c == '%' ? c : ' ');
        }
        return string.Join(' ', text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
