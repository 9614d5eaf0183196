namespace Portal.Domain;

/// <summary>
/// A rule of the business was broken: an illegal state change, a wrong amount, a foreign currency.
/// The message is written for the person who tried the action and is safe to show them.
/// </summary>
public sealed class DomainException(string message) : Exception(message);
