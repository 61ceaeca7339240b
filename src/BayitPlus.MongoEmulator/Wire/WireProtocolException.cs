namespace BayitPlus.MongoEmulator.Wire;

/// <summary>A message that breaks the wire protocol; the connection that sent it is closed.</summary>
internal sealed class WireProtocolException(string message, Exception? inner = null) : Exception(message, inner);
