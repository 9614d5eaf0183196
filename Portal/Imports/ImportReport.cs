using Portal.Domain;
using Portal.Domain.Imports;

namespace Portal.Imports;

public enum ImportAction { Create, Update, Error }

/// <summary>What one row (or, for invoices, the rows of one invoice) does: what it is, and why not when it is an error.</summary>
public sealed record ImportRowOutcome(int Row, ImportAction Action, string Label, IReadOnlyList<ImportRowError> Errors);

/// <summary>A rejected row as it was in the file, for the error report.</summary>
public sealed record RejectedRow(int Row, IReadOnlyList<string> Cells, IReadOnlyList<ImportRowError> Errors);

/// <summary>
/// What an import does or did, row by row, with totals per kind. A preview and the commit of the same file and
/// mapping build the same report: they run the same rules, the commit also writes.
/// </summary>
public sealed class ImportReport(ImportKind kind, IReadOnlyList<string> headers)
{
    private readonly List<ImportRowOutcome> _rows = [];
    private readonly List<RejectedRow> _rejected = [];

    public ImportKind Kind => kind;
    public IReadOnlyList<string> Headers => headers;
    public IReadOnlyList<ImportRowOutcome> Rows => _rows;
    public IReadOnlyList<RejectedRow> Rejected => _rejected;
    public int Created { get; private set; }
    public int Updated { get; private set; }
    public int Errors { get; private set; }
    public bool Committed { get; internal set; }

    internal void Add(ImportRowOutcome outcome)
    {
        _rows.Add(outcome);
        switch (outcome.Action)
        {
            case ImportAction.Create: Created++; break;
            case ImportAction.Update: Updated++; break;
            case ImportAction.Error: Errors++; break;
        }
    }

    internal void Reject(int row, IReadOnlyList<string> cells, IReadOnlyList<ImportRowError> errors, string label)
    {
        _rejected.Add(new RejectedRow(row, cells, errors));
        Add(new ImportRowOutcome(row, ImportAction.Error, label, errors));
    }

    internal void Reject(int row, IReadOnlyList<string> cells, string field, DomainException error, string label) =>
        Reject(row, cells, [new ImportRowError(row, field, error)], label);
}
