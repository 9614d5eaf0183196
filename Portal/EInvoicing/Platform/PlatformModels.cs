namespace Portal.EInvoicing.Platform;

// What the portal sends with a file (XP Z12-013 FlowInfo). trackingId is our document id: the platform's key for
// recognising the same document sent twice.
public sealed record FlowSubmission(string Name, string FlowSyntax, string ProcessingRule, string? FlowProfile, string TrackingId, byte[] File, string FileName, string ContentType);

public sealed record FlowReceipt(string FlowId, DateTimeOffset SubmittedAt, string? TrackingId, string? Sha256);

public enum FlowAckStatus { Pending, Ok, Error }

public sealed record FlowAckDetail(string? Level, string? ReasonCode, string? ReasonMessage);

public sealed record FlowAcknowledgement(FlowAckStatus Status, IReadOnlyList<FlowAckDetail> Details);

// A lifecycle status reported on the flow (200 Déposée … 213 Rejetée), with its time and reason.
public sealed record FlowLifecycleStatus(int Status, string? Label, DateTimeOffset At, string? Reason);

public sealed record PlatformFlow(
    string FlowId, string? TrackingId, string? Name, string? FlowType, string? FlowDirection, DateTimeOffset SubmittedAt, DateTimeOffset UpdatedAt,
    FlowAcknowledgement Acknowledgement, IReadOnlyList<FlowLifecycleStatus> Lifecycle);

public sealed record FlowSearch(string? TrackingId = null, DateTimeOffset? UpdatedAfter = null, int Limit = 100, string? Cursor = null);

public sealed record FlowSearchPage(IReadOnlyList<PlatformFlow> Results, string? NextCursor);

public sealed record DirectoryLine(string? Siren, string? AddressingIdentifier, string? PlatformType, string? DirectoryLineStatus)
{
    public bool CanReceive => DirectoryLineStatus == "Enabled";
}
