from workbench.launcher import main

# Guarded so that worker processes started with "spawn" (PDF extraction during an
# import) can import this module without running the program again.
if __name__ == "__main__":
    main()
