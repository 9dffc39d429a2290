from pathways.cli import main

raise SystemExit(main())
