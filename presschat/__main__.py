from presschat.cli import main

if __name__ == "__main__":  # not when a child process (ingest's embedder) imports it
    main()
