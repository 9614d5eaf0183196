using PdfSharp.Drawing;
using Portal.Domain;
using Portal.Domain.Firms;
using Portal.Ledger;

namespace Portal.Documents;

/// <summary>
/// A client's statement of account as a document: the balance before the period, each movement with what it charged
/// or paid and the running balance, and the balance at the end. <paramref name="Descriptions"/> holds each entry's
/// words in the reader's language ("Card payment — INV-00003"), one per entry, as the statement page shows them.
/// </summary>
public sealed record StatementPdfModel(DocumentParties Parties, Statement Statement, IReadOnlyList<string> Descriptions, DateOnly IssuedOn, BusinessCalendar Calendar);

internal static class StatementPdf
{
    public static byte[] Compose(StatementPdfModel model, DocumentLanguage text)
    {
        var statement = model.Statement;
        var title = text["StatementOfAccount"];
        using var canvas = new PdfCanvas(title, DocumentLayout.FooterHeight);
        var meta = new List<(string, string)>
        {
            (text["StatementPeriod"], text.Format("StatementPeriodRange", text.Date(statement.From), text.Date(statement.To))),
            (text["IssueDate"], text.Date(model.IssuedOn)),
        };
        DocumentLayout.Header(canvas, model.Parties.Seller, model.Parties.Buyer, title, null, meta, text);

        DocumentLayout.TotalRow(canvas, text.Format("StatementOpening", text.Date(statement.From)), text.Money(statement.Opening));
        canvas.Y += 6;
        Entries(canvas, model, text);
        canvas.Y += 6;
        DocumentLayout.TotalRow(canvas, text.Format("StatementClosing", text.Date(statement.To)), text.Money(statement.Closing), strong: true);
        var owed = statement.Closing.IsNegative ? (text["StatementInCredit"], -statement.Closing) : (text["StatementOwed"], statement.Closing);
        DocumentLayout.TotalRow(canvas, owed.Item1, text.Money(owed.Item2));
        canvas.Y += 10;
        canvas.EnsureSpace(30);
        canvas.Text(text.Format("StatementBalanceHint", model.Parties.Seller.Name), DocumentLayout.Small, canvas.Left, canvas.Width, XBrushes.Gray);
        return canvas.Finish(DocumentLayout.Footer(canvas, model.Parties.Seller, text));
    }

    private static void Entries(PdfCanvas canvas, StatementPdfModel model, DocumentLanguage text)
    {
        var statement = model.Statement;
        if (statement.Entries.Count == 0)
        {
            canvas.Y += canvas.Text(text["StatementNoMovements"], DocumentLayout.Body, canvas.Left, canvas.Width) + 6;
            return;
        }
        // Date, description, charged, paid or credited, balance after.
        double[] widths = [canvas.Width * 0.14, canvas.Width * 0.41, canvas.Width * 0.15, canvas.Width * 0.15, canvas.Width * 0.15];
        DocumentLayout.BeginTable(canvas, model.Parties.Seller,
            [text["StatementDate"], text["Description"], text["StatementCharged"], text["StatementPaid"], text["StatementBalance"]], widths, textColumns: 2);
        for (var e = 0; e < statement.Entries.Count; e++)
        {
            var entry = statement.Entries[e];
            // What the entry did to what the client owes, as the statement page shows it: using credit on an invoice
            // moves nothing, it pays with money the statement had already counted.
            var movement = entry.Charged - entry.Credit;
            DocumentLayout.TableRow(canvas,
            [
                text.Date(model.Calendar.DayOf(entry.At)),
                model.Descriptions[e],
                movement.IsPositive ? text.Money(movement) : "",
                movement.IsNegative ? text.Money(-movement) : "",
                text.Money(entry.Balance),
            ], widths, textColumns: 2, wrapping: 1);
        }
        DocumentLayout.EndTable(canvas);
    }
}
