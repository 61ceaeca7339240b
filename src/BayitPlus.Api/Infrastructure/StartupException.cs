namespace BayitPlus.Api.Infrastructure;

/// <summary>A configuration problem that stops the API from starting; Program prints its message
/// as one line and exits non-zero instead of dumping a stack trace.</summary>
public sealed class StartupException(string message) : Exception(message);
