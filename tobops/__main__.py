from tobops.cli import main

raise SystemExit(main())
