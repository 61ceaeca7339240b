namespace BayitPlus.MongoEmulator.Wire;

/// <summary>The opCodes the emulator understands; every other one closes the connection.</summary>
internal enum OpCode
{
    Reply = 1,
    Query = 2004,
    Msg = 2013,
}
