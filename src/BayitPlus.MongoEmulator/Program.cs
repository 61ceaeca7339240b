using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using BayitPlus.MongoEmulator;
using Microsoft.Extensions.Logging;

var commandLine = CommandLine.Parse(args, out var error);
if (commandLine is null)
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}

if (commandLine.ShowHelp)
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

using var shutdown = new CancellationTokenSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

var options = new MongoEmulatorOptions
{
    Port = commandLine.Port,
    ReplicaSetName = commandLine.ReplicaSetName,
    Logger = new ConsoleLogger(commandLine.Verbose ? LogLevel.Debug : LogLevel.Information),
};

MongoEmulatorServer server;
try
{
    server = await MongoEmulatorServer.StartAsync(options, shutdown.Token);
}
catch (SocketException ex)
{
    Console.Error.WriteLine($"Cannot listen on 127.0.0.1:{commandLine.Port}: {ex.Message}");
    return 1;
}

await using (server)
{
    Console.WriteLine($"MongoDB emulator listening on 127.0.0.1:{server.Port}");
    Console.WriteLine($"  connection string: {server.ConnectionString}");
    Console.WriteLine($"  direct connection: {server.DirectConnectionString}");
    Console.WriteLine();
    Console.WriteLine("*****************************************************************");
    Console.WriteLine("* WARNING: data is kept IN MEMORY ONLY.                         *");
    Console.WriteLine("* Everything stored here is LOST when the emulator stops.       *");
    Console.WriteLine("*****************************************************************");
    Console.WriteLine("Press Ctrl+C to stop.");
    try
    {
        await Task.Delay(Timeout.Infinite, shutdown.Token);
    }
    catch (OperationCanceledException)
    {
        Console.WriteLine("Stopping...");
    }
}

return 0;

void Stop(PosixSignalContext context)
{
    // Let the server close its connections instead of the runtime killing the process.
    context.Cancel = true;
    shutdown.Cancel();
}

/// <summary>The standalone emulator's arguments.</summary>
internal sealed record CommandLine(int Port, string ReplicaSetName, bool Verbose, bool ShowHelp)
{
    public const string Usage = """
        Usage: BayitPlus.MongoEmulator [--port <port>] [--replica-set <name>] [--verbose]

          --port <port>         TCP port on 127.0.0.1 (default 27017; 0 picks a free port)
          --replica-set <name>  replica set name announced to drivers (default rs0)
          --verbose             log every connection and protocol error
          --help                show this text
        """;

    /// <returns>null, with <paramref name="error"/> set, when the arguments are not understood.</returns>
    public static CommandLine? Parse(IReadOnlyList<string> args, out string? error)
    {
        var result = new CommandLine(27017, "rs0", Verbose: false, ShowHelp: false);
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--port" when i + 1 < args.Count
                    && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                    && port <= 65535:
                    result = result with { Port = port };
                    i++;
                    break;
                case "--port":
                    error = "--port needs a number from 0 to 65535";
                    return null;
                case "--replica-set" when i + 1 < args.Count && !string.IsNullOrWhiteSpace(args[i + 1]) && !args[i + 1].StartsWith("--", StringComparison.Ordinal):
                    result = result with { ReplicaSetName = args[++i] };
                    break;
                case "--replica-set":
                    error = "--replica-set needs a name";
                    return null;
                case "--verbose":
                    result = result with { Verbose = true };
                    break;
                case "--help" or "-h":
                    result = result with { ShowHelp = true };
                    break;
                default:
                    error = $"Unknown argument '{args[i]}'";
                    return null;
            }
        }

        error = null;
        return result;
    }
}

/// <summary>Writes log lines to standard error, keeping standard output for the connection string.</summary>
internal sealed class ConsoleLogger(LogLevel minimum) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            var line = $"{DateTime.Now:HH:mm:ss} {logLevel}: {formatter(state, exception)}";
            Console.Error.WriteLine(exception is null ? line : $"{line}{Environment.NewLine}{exception}");
        }
    }
}
