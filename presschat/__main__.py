from presschat.cli import main

main()
